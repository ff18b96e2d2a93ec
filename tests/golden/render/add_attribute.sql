ALTER TYPE semver_triple ADD ATTRIBUTE teeny numeric;
