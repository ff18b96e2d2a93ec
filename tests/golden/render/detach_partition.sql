ALTER TABLE audit.audit_logs DETACH PARTITION audit.audit_logs_2026_01;

ALTER TABLE audit.audit_logs DETACH PARTITION audit.audit_logs_list CONCURRENTLY;
