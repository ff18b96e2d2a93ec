ALTER SEQUENCE billing."Count Down" OWNED BY billing."Invoices".no;

ALTER SEQUENCE billing."Count Down" OWNED BY NONE;
