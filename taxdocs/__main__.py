"""`python -m taxdocs ...` is the `taxdocs` command."""
from taxdocs.entry import main

main()
