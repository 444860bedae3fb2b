"""Build artifacts (Lambda zips, model tarballs) as deterministic bytes."""
