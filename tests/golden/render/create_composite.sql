CREATE TYPE semver_triple AS (
    major numeric,
    minor numeric,
    "Label" text COLLATE "C"
);
