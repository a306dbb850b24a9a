"""The local web checker: `create_app(forms_dir=None)` -> a FastAPI app.

Routes (every one that carries personal data is a POST; nothing is stored):

    GET  /                      the form (plain HTML; works with JavaScript off)
    POST /check                 the form posted back: re-shown with one more block, a
                                1099-R PDF read into it, messages next to the fields, or
                                the results page
    POST /edit                  results -> the form again ("Change my answers")
    POST /download/{name}       f8606.pdf | summary.pdf | findings.pdf | scenario.yaml,
                                made fresh from the scenario the results page posts back
    GET  /static/web.css|web.js GET  /healthz

Privacy: uploads are read into memory and dropped with the request (Starlette spools a
part over 1 MB to an anonymous temporary file that is deleted when the request ends);
request bodies are never logged; errors show a friendly page and log only the
exception's type. Responses say `Cache-Control: no-store`.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from taxdocs.web import fields as F
from taxdocs.web.uploads import MAX_UPLOAD, Upload, UploadError
from taxdocs.web.view import FormView, Message

log = logging.getLogger("taxdocs.web")

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "web"
STATIC = {"web.css": "text/css; charset=utf-8", "web.js": "text/javascript; charset=utf-8"}
MAX_BODY = 2 * MAX_UPLOAD + 1024 * 1024    # two PDFs and the fields
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
UPLOAD_1099R, UPLOAD_8606, WHO_8606, CLEAR_FILED = "_upload_1099r", "_upload_8606", "_f8606_who", "_clear_filed"

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
}


class BodyTooLarge(Exception):
    pass


class LimitBody:
    """ASGI middleware: refuse request bodies over `limit` bytes (by Content-Length, and
    by counting when the client sends none), before anything is parsed."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    too_big = int(v) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _too_large(scope, receive, send)
                    return
        seen = 0

        async def counted():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge()
            return msg
        await self.app(scope, counted, send)


async def _too_large(scope, receive, send):
    html = _env().get_template("error.html").render(
        title="That upload is too large",
        message=f"Each PDF can be at most {MAX_UPLOAD // (1024 * 1024)} MB. Go back and choose a smaller file "
                "(the IRS fill-in form itself is well under 1 MB).",
        status=413)
    resp = HTMLResponse(html, status_code=413, headers={**SECURITY_HEADERS, "Connection": "close"})
    await resp(scope, receive, send)


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(F=F, field_id=F.field_id)
    return env


def _page(name: str, status_code: int = 200, **ctx) -> HTMLResponse:
    return HTMLResponse(_env().get_template(name).render(**ctx), status_code=status_code)


def _error_page(title: str, message: str, status: int) -> HTMLResponse:
    try:
        return _page("error.html", status, title=title, message=message, status=status)
    except Exception as e:  # the error page itself must not fail with a trace
        log.error("error page failed: %s", type(e).__name__)
        return HTMLResponse(f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>"
                            '<p><a href="/">Start from the form</a></p>', status_code=status)


def default_year() -> int:
    from taxdocs.params import available_years
    years = available_years()
    last = dt.date.today().year - 1
    return last if last in years else max(y for y in years if y <= last) if any(y <= last for y in years) else max(years)


def guard(fn: Callable[..., Awaitable[Response]]):
    """Never a stack trace: any failure becomes a friendly page; only the type is logged."""
    @functools.wraps(fn)
    async def wrapper(request: Request, *a, **kw):
        try:
            return await fn(request, *a, **kw)
        except StarletteHTTPException:
            raise
        except BodyTooLarge:
            return _error_page("That upload is too large",
                               f"Each PDF can be at most {MAX_UPLOAD // (1024 * 1024)} MB.", 413)
        except BadForm:
            return _error_page("The form could not be read",
                               "What was sent is not a form this page makes (too many fields or files, or a "
                               "field too long). Start from the form.", 400)
        except Exception as e:
            log.error("%s %s failed: %s", request.method, request.url.path, type(e).__name__)
            return _error_page("Something went wrong",
                               "taxdocs could not finish this request. Nothing you entered was kept. "
                               "Go back to try again; if it happens again, save your answers as YAML "
                               "from the results page (or use the command line) and report it.", 500)
    return wrapper


# --- reading a posted form ----------------------------------------------------------------

class BadForm(Exception):
    pass


async def _read_form(request: Request) -> tuple[list[tuple[str, Any]], dict[str, Upload]]:
    from starlette.formparsers import MultiPartException
    pairs: list[tuple[str, Any]] = []
    uploads: dict[str, Upload] = {}
    try:
        async with request.form(max_files=4, max_fields=4000, max_part_size=256 * 1024) as form:
            for name, value in form.multi_items():
                if hasattr(value, "read") and hasattr(value, "filename"):
                    data = await value.read(MAX_UPLOAD + 1)
                    if value.filename or data:
                        uploads[name] = Upload(value.filename or "upload.pdf", data)
                else:
                    pairs.append((name, value))
    except MultiPartException:
        raise BadForm() from None
    return pairs, uploads


def _get(pairs: list[tuple[str, Any]], name: str, default: str = "") -> str:
    for k, v in pairs:
        if k == name:
            return str(v)
    return default


def _scenario_pairs(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in pairs if not k.startswith("_") and k != "action"]


# --- pages ----------------------------------------------------------------------------------

def _form_page(data: dict, problems=(), notices=(), status: int = 200) -> HTMLResponse:
    view = FormView(F.form_values(data), problems, notices)
    forms = data.get("forms_1099r") or [{}]
    uses = [max(len(f.get("uses") or []), 1) for f in forms]
    from taxdocs.params import available_years
    ctx = dict(view=view, n_forms=len(forms), uses=uses, rel=F.relevance(data), years=available_years(),
               codes=F.code_options(_year(data)), glossary=F.code_glossary(), filed=_filed_summary(data),
               max_forms=F.MAX_FORMS, max_uses=F.MAX_USES, max_mb=MAX_UPLOAD // (1024 * 1024))
    body = _env().get_template("form_body.html").render(**ctx)
    summary = view.summary()
    return _page("form.html", status, body=Markup(body), summary=summary, carried=view.carried(),
                 notices=view.notices, has_errors=bool(summary))


def _year(data: dict) -> Optional[int]:
    try:
        return int(str(data.get("tax_year")))
    except (TypeError, ValueError):
        return None


def _filed_summary(data: dict) -> list[dict]:
    filed = data.get("filed") or {}
    out = []
    for who in ("taxpayer", "spouse"):
        lines = filed.get(f"f8606_{who}") if isinstance(filed, dict) else None
        if lines:
            out.append({"who": who, "count": len(lines)})
    return out


def _apply_action(action: str, data: dict) -> list[str]:
    """Add/remove blocks and rows in `data` (kept-empty form data). Returns notices."""
    forms = data.setdefault("forms_1099r", [])
    if not forms:
        forms.append({})
    kind, _, arg = action.partition(":")
    try:
        idx = [int(x) for x in arg.split(":")] if arg else []
    except ValueError:
        idx = []
    if kind == "add_form":
        if len(forms) >= F.MAX_FORMS:
            return [f"At most {F.MAX_FORMS} forms fit on one page; use the command line for more."]
        forms.append({"uses": [{}]})
        return [f"Added Form 1099-R {len(forms)}: fill it in below."]
    if kind == "remove_form" and idx and 0 <= idx[0] < len(forms):
        forms.pop(idx[0])
        if not forms:
            forms.append({})
        return [f"Removed Form 1099-R {idx[0] + 1}."]
    if kind == "add_use" and idx and 0 <= idx[0] < len(forms):
        rows = forms[idx[0]].setdefault("uses", [])
        if len(rows) < F.MAX_USES:
            rows.append({})
            if len(rows) == 1:
                rows.append({})
        return [f"Added a row to Form 1099-R {idx[0] + 1}."]
    if kind == "remove_use" and len(idx) == 2 and 0 <= idx[0] < len(forms):
        rows = forms[idx[0]].get("uses") or []
        if 0 <= idx[1] < len(rows):
            rows.pop(idx[1])
        return [f"Removed a row from Form 1099-R {idx[0] + 1}."]
    return []


def _prefill(data: dict, block: dict) -> int:
    """Put a read 1099-R into the first empty block, or a new one. Returns its position."""
    name = block.pop("_recipient_name", "")
    forms = data.setdefault("forms_1099r", [])
    pos = next((i for i, f in enumerate(forms)
                if not {k: v for k, v in f.items() if k not in ("id", "uses", "box7") and v not in (None, "", [], {})}
                and not f.get("box7")), None)
    if pos is None:
        forms.append(block)
        pos = len(forms) - 1
    else:
        block["id"] = forms[pos].get("id") or block.get("id")
        block["uses"] = forms[pos].get("uses") or []
        forms[pos] = {k: v for k, v in block.items() if v is not None}
    tp = data.setdefault("taxpayer", {})
    if isinstance(tp, dict) and not tp.get("name") and name:
        tp["name"] = name
    return pos


def _default_data() -> dict:
    return {"tax_year": default_year(), "filing_status": "single", "forms_1099r": [{"uses": [{}]}]}


def _ssn_given(sc) -> dict[str, bool]:
    return {who: p.ssn != F.SSN_PLACEHOLDER for who, p in sc.people()}


def create_app(forms_dir: Optional[str | Path] = None, allowed_hosts: Optional[list[str]] = None) -> FastAPI:
    """The app. `forms_dir`: where official blank forms live (see documents/blanks.py).
    `allowed_hosts`: Host headers accepted (default: loopback names only, which also
    stops DNS-rebinding pages from reaching the checker)."""
    app = FastAPI(title="taxdocs web checker", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.forms_dir = str(forms_dir) if forms_dir else None
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_HOSTS)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    app.add_middleware(LimitBody, limit=MAX_BODY)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return _error_page("Page not found", "There is no page at this address. Start from the form.", 404)
        if exc.status_code == 405:
            return _error_page("Start from the form",
                               "This address takes the form's answers; it cannot be opened directly.", 405)
        if exc.status_code == 400:
            return _error_page("The form could not be read",
                               "What was sent is not a form this page makes (too many fields or files, or a "
                               "field too long). Start from the form.", 400)
        return _error_page("That did not work", "The request could not be handled.", exc.status_code)

    @app.exception_handler(Exception)
    async def any_error(request: Request, exc: Exception):  # backstop; routes are guarded
        log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
        return _error_page("Something went wrong", "taxdocs could not finish this request. Nothing was kept.", 500)

    @app.get("/", response_class=HTMLResponse)
    @guard
    async def index(request: Request):
        data = _default_data()
        if request.query_params.get("example") == "indirect-rollover":
            data = _example()
        return _form_page(data)

    @app.get("/favicon.ico")
    async def favicon():
        return Response(status_code=204)

    @app.get("/healthz", response_class=PlainTextResponse)
    async def healthz():
        return PlainTextResponse("ok")

    @app.get("/static/{name}")
    async def static(name: str):
        if name not in STATIC:
            raise StarletteHTTPException(404)
        return FileResponse(TEMPLATES_DIR / name, media_type=STATIC[name],
                            headers={"Cache-Control": "no-cache"})

    @app.post("/check", response_class=HTMLResponse)
    @guard
    async def check(request: Request):
        pairs, uploads = await _read_form(request)
        action = _get(pairs, "action", "check") or "check"
        raw = F.nest(_scenario_pairs(pairs))
        if _get(pairs, CLEAR_FILED):
            raw.pop("filed", None)
        # 1. a 1099-R PDF: read it into the form, show the form to be checked
        if UPLOAD_1099R in uploads:
            data = F.normalize(raw, keep_empty=True)
            from taxdocs.web import uploads as U
            try:
                block = U.read_1099r(uploads[UPLOAD_1099R])
            except UploadError as e:
                return _form_page(data, [_problem(UPLOAD_1099R, str(e))], status=422)
            pos = _prefill(data, block)
            return _form_page(data, notices=[
                f"Read Form 1099-R {pos + 1} from {_short(uploads[UPLOAD_1099R].filename)}. Check each box against "
                "your copy, then say what happened to the money and press “Check my return”."])
        # 2. add / remove blocks and rows, or just update which questions are shown
        if action != "check":
            data = F.normalize(raw, keep_empty=True)
            notices = _apply_action(action, data)
            return _form_page(data, notices=notices)
        # 3. a filed Form 8606 to compare
        data = F.normalize(raw)
        if UPLOAD_8606 in uploads:
            from taxdocs.web import uploads as U
            try:
                filed = U.read_8606(uploads[UPLOAD_8606])
            except UploadError as e:
                return _form_page(F.normalize(raw, keep_empty=True), [_problem(UPLOAD_8606, str(e))], status=422)
            who = "spouse" if _get(pairs, WHO_8606) == "spouse" else "taxpayer"
            from taxdocs.documents.fill import LINES_8606
            lines = filed["lines"]
            # every line, blanks included: a blank filed line is compared as 0 (taxdocs.checks.filed)
            data.setdefault("filed", {})[f"f8606_{who}"] = {
                k: (f"{lines[k]:f}" if lines.get(k) is not None else None) for k in LINES_8606}
        # 4. validate and compute
        from taxdocs.errors import InputError
        from taxdocs.model.load import from_data
        try:
            sc = from_data(data, "web form")
        except InputError as e:
            problems = list(e.problems)
            seen = {p.path for p in problems}
            problems += [_problem(path, msg) for path, msg in F.missing_answers(data) if path not in seen]
            return _form_page(_with_rows(data), problems, status=422)
        return _results(request, sc, data)

    @app.post("/edit", response_class=HTMLResponse)
    @guard
    async def edit(request: Request):
        pairs, _ = await _read_form(request)
        data = _json(_get(pairs, "scenario"))
        if data is None:
            return _error_page("Start again", "The answers could not be read back. Start from the form.", 400)
        try:
            return _form_page(_with_rows(data))
        except (TypeError, AttributeError, ValueError, KeyError, RecursionError):  # not answers this page wrote
            return _error_page("Start again", "The answers could not be read back. Start from the form.", 400)

    @app.post("/download/{name}")
    @guard
    async def download(request: Request, name: str):
        from taxdocs.web import downloads as D
        if name not in ("f8606.pdf", "summary.pdf", "findings.pdf", "scenario.yaml"):
            raise StarletteHTTPException(404)
        pairs, _ = await _read_form(request)
        data = _json(_get(pairs, "scenario"))
        from taxdocs.errors import InputError
        from taxdocs.model.load import from_data
        try:
            sc = from_data(data, "web form") if data is not None else None
        except InputError:
            sc = None
        if sc is None:
            return _error_page("Start again", "The answers sent with this download could not be read. "
                               "Go back to the form and press “Check my return” again.", 400)
        if name == "scenario.yaml":
            doc = D.scenario_yaml(sc, _ssn_given(sc))
        else:
            from taxdocs.rules.engine import compute
            from taxdocs.web.results import run_checks
            res = compute(sc, "web form")
            findings = run_checks(res).findings
            if name == "f8606.pdf":
                who = "spouse" if _get(pairs, "who") == "spouse" and sc.spouse is not None else "taxpayer"
                doc = D.form_8606(res, who, findings, app.state.forms_dir, _ssn_given(sc)[who])
            elif name == "summary.pdf":
                doc = D.summary_pdf(res, findings)
            else:
                doc = D.findings_pdf(res, findings)
        headers = {"Content-Disposition": f'attachment; filename="{doc.filename}"'}
        if doc.note:
            headers["X-Taxdocs-Form"] = "official" if doc.note == "official" else "facsimile"
        return Response(doc.body, media_type=doc.media_type, headers=headers)

    def _results(request: Request, sc, data: dict) -> HTMLResponse:
        from taxdocs.rules.engine import compute
        from taxdocs.web import results as R
        from taxdocs.web.downloads import blank_8606
        res = compute(sc, "web form")
        res.lines()
        checked = R.run_checks(res)
        blank, why_not = blank_8606(sc.tax_year, app.state.forms_dir)
        people = [{"who": w, "name": p.name, "ssn": p.ssn_last4 if p.ssn != F.SSN_PLACEHOLDER else ""}
                  for w, p in sc.people()]
        return _page(
            "results.html", sc=sc, people=people, year=sc.tax_year,
            status_words=dict(F.FILING_STATUSES).get(sc.filing_status.value, sc.filing_status.value),
            f1040=R.f1040_rows(res), f8606=R.f8606_forms(res), forms=R.forms_table(res),
            tax=R.tax_effect(res), checked=checked, findings=R.findings_view(checked, data),
            n_findings=sum(1 for _ in checked.findings or []),
            withheld=R.show(res.graph.get("f1040.line25b")),
            filed=R.filed_comparison(res), official=blank is not None, official_why=why_not,
            scenario_json=sc.model_dump_json(exclude_defaults=True))

    return app


def _problem(path: str, message: str):
    from taxdocs.errors import Problem
    return Problem("web form", path, message)


def _short(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    return name if len(name) <= 60 else name[:57] + "…"


def _json(text: str) -> Optional[dict]:
    if not text or len(text) > MAX_BODY:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past any scenario's depth
        return None
    return data if isinstance(data, dict) else None


def _with_rows(data: dict) -> dict:
    """Show at least one money row under each 1099-R."""
    forms = data.get("forms_1099r")
    for f in forms if isinstance(forms, list) else []:
        if isinstance(f, dict) and not f.get("uses"):
            f["uses"] = [{}]
    return data


def _example() -> dict:
    """Sample 4 (indirect rollover, 20% withheld) without its SSN, for trying the page."""
    import yaml
    p = Path(__file__).resolve().parents[2] / "samples" / "04-indirect-rollover-withholding.yaml"
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError:
        return _default_data()
    data["taxpayer"].pop("ssn", None)
    return json.loads(json.dumps(data, default=str))


# --- logging: the access log shows method, path and status only ----------------------------

class NoQueryFilter(logging.Filter):
    """Drop query strings from uvicorn access log lines (they never carry answers here,
    but this keeps it that way). Bodies are never logged by uvicorn or by taxdocs."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def log_config() -> dict:
    from copy import deepcopy

    from uvicorn.config import LOGGING_CONFIG
    cfg = deepcopy(LOGGING_CONFIG)
    cfg.setdefault("filters", {})["no_query"] = {"()": "taxdocs.web.app.NoQueryFilter"}
    cfg["handlers"]["access"]["filters"] = ["no_query"]
    cfg["loggers"]["taxdocs.web"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return cfg
