CREATE MATERIALIZED VIEW reporting.revenue_daily AS
SELECT date_trunc('day', created_at) AS day, count(*) AS n
FROM users
GROUP BY 1
WITH DATA;
