CREATE OR REPLACE FUNCTION updated_at_trigger() RETURNS trigger LANGUAGE plpgsql AS $function_1$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;  -- a body holding $function$ gets another dollar tag
END;
$function_1$;

CREATE FUNCTION app.current_tenant(fallback uuid DEFAULT NULL) RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER AS $function$
SELECT coalesce(current_setting('app.tenant_id', true)::uuid, fallback)
$function$;
