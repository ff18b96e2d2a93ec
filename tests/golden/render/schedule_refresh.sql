DO $function$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
        PERFORM cron.schedule('reporting.refresh_revenue_daily', '*/15 * * * *', 'SELECT reporting.refresh_revenue_daily()');
    END IF;
END
$function$;

DO $function$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
        PERFORM cron.unschedule(jobid) FROM cron.job WHERE jobname = 'public.refresh_o''brien';
    END IF;
END
$function$;
