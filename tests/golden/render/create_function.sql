CREATE OR REPLACE FUNCTION updated_at_trigger() RETURNS trigger LANGUAGE plpgsql AS $function_1$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;  -- a body holding $function$ gets another dollar tag
END;
$function_1$;

CREATE FUNCTION app.current_tenant(fallback uuid DEFAULT NULL) RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER AS $function$
SELECT coalesce(current_setting('app.tenant_id', true)::uuid, fallback)
$function$;

CREATE FUNCTION lookup(key text) RETURNS SETOF text LANGUAGE sql IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE COST 0.5 ROWS 10 SET search_path TO 'pg_catalog', '$user', 'public' SET work_mem TO '64MB' AS $function$
SELECT key
$function$;

SET LOCAL check_function_bodies = off;
CREATE FUNCTION last_order() RETURNS integer LANGUAGE sql AS $function$
SELECT count(*)::integer FROM plans
$function$;
RESET check_function_bodies;

CREATE FUNCTION one_line() RETURNS text LANGUAGE sql AS $function_1$ SELECT 1 -- ends in $function$function_1$;

CREATE PROCEDURE app.settle(INOUT total integer, amount integer DEFAULT 1) LANGUAGE plpgsql AS $function$
BEGIN
  total := total + amount;
  COMMIT;
END;
$function$;

CREATE OR REPLACE PROCEDURE "Touch"(VARIADIC ids integer[]) LANGUAGE sql SECURITY DEFINER SET search_path TO 'pg_catalog', 'public' AS $function$
UPDATE plans SET price = price WHERE false
$function$;
