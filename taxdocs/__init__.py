"""taxdocs: Form 1099-R data in, Form 8606 and Form 1040 retirement lines out."""
__version__ = "0.1.0"
