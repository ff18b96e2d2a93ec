CREATE TABLE audit.audit_logs_2026_01 PARTITION OF audit.audit_logs FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');

CREATE TABLE audit.audit_logs_default PARTITION OF audit.audit_logs DEFAULT;

CREATE TABLE audit.audit_logs_list PARTITION OF audit.audit_logs FOR VALUES IN ('a', 'b');

CREATE TABLE audit.audit_logs_h0 PARTITION OF audit.audit_logs FOR VALUES WITH (MODULUS 8, REMAINDER 0);

CREATE TABLE audit.audit_logs_2027 PARTITION OF audit.audit_logs FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2028-01-01 00:00:00+00') PARTITION BY HASH (id);

CREATE TABLE audit.audit_logs_2027_p0 PARTITION OF audit.audit_logs_2027 FOR VALUES WITH (MODULUS 1, REMAINDER 0);
