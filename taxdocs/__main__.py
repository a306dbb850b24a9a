"""`python -m taxdocs ...` is the `taxdocs` command."""
from taxdocs.entry import main

if __name__ == "__main__":
    main()
