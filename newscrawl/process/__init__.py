"""What happens to an article between the spider and the store: validate, normalize, dedupe, store."""
