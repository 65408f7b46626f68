"""Training modules and results, compliance and coaching. Knows clients and below."""
