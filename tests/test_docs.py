from pathlib import Path

from taxdocs.model import docs


def test_input_reference_is_current():
    path = Path(__file__).parents[1] / "docs" / "input.md"
    assert path.read_text(encoding="utf-8") == docs.render(), "run: python -m taxdocs.model.docs"


def test_every_field_is_described():
    assert "|  |\n" not in docs.render() and not docs.render().rstrip().endswith("|  |")
