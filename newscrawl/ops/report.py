"""What an operator sees: the run history and the latest articles as one HTML page.

`newscrawl report --out FILE.html` writes it; `newscrawl dashboard` serves it live
(newscrawl.ops.dashboard). The page is self-contained: styles inline, charts as inline SVG drawn
here, no script at all and a Content-Security-Policy that allows none, nothing loaded from
another host (it opens offline and can be mailed). Every stored string is escaped (stored
text is data from the web: a headline with ``<script>`` in it shows as text).

The figures come aggregated from the store (``Store.run_days``: one row a day whatever the
number of runs) plus the last ``runs`` runs in full, so 100,000 runs render as fast as 100.
"""
from __future__ import annotations

import html
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timezone

from newscrawl.conf import default
from newscrawl.crawl.figures import percentile
from newscrawl.store import Filters, Store
from newscrawl.store.record import CrawlRun, judged

FIELDS = ("title", "body", "published_at", "authors", "category", "summary", "tags", "image", "updated_at",
          "key_takeaways", "faq", "read_time_minutes")
FRESH_WINDOW_H = float(default("NEWSCRAWL_FRESH_WINDOW"))
COLORS = ("#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#4b5563")


def run_figures(run: CrawlRun) -> dict:
    """One crawl run as `newscrawl stats --format json` shows it (docs: how-to/operate.md)."""
    return {
        "run_id": run.run_id, "site": run.site, "spider": run.spider, "arguments": run.arguments,
        "mode": run.mode or "full", "status": run.status, "finish_reason": run.finish_reason, "error": run.error,
        "failed_checks": run.failed_checks,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_s": run.duration_s,
        **count_figures(run.counts),
        "coverage": coverage(run.extraction),
        "crawl_id": run.crawl_id, "store": run.store,
    }


def count_figures(c: dict) -> dict:
    """A run's counts as figures. requests: every request the site saw, each once (their kinds
    add up to it); conditional: how many of them carried validators; not_modified: the 304s."""
    by_kind = dict(c.get("requests") or {})
    conditional = c.get("conditional", by_kind.pop("conditional", 0))  # runs stored before 0.2 kept it as a kind
    by_kind.pop("conditional", None)
    return {
        "pages": c.get("pages", 0), "requests": sum(by_kind.values()), "requests_by_kind": by_kind,
        "conditional": conditional, "not_modified": c.get("not_modified", 0),
        "new": c.get("new", 0), "updated": c.get("updated", 0), "unchanged": c.get("unchanged", 0),
        "dropped": sum((c.get("dropped") or {}).values()), "dropped_by_reason": c.get("dropped") or {},
        "spilled": c.get("spilled", 0), "scraped": c.get("scraped", 0),
        "themes": c.get("themes") or {}, "extraction_errors": c.get("extraction_errors") or {},
        "freshness": c.get("freshness") or {},
        "stale_validators": c.get("stale_validators", 0),
    }


def coverage(extraction: dict) -> dict:
    """{field: share of the parsed pages where a layer found it}."""
    parsed = max((sum(layers.values()) for f, layers in extraction.items() if f in ("url", "title")), default=0)
    return {f: round(sum(layers.values()) / parsed, 4) for f, layers in extraction.items()} if parsed else {}


@dataclass
class ReportData:
    store: str
    site: str | None
    since: datetime | None
    generated_at: datetime
    articles_stored: int
    runs: list[dict]  # run_figures of the last runs, oldest first
    days: list[dict]  # Store.run_days
    latest: list[dict]  # the latest articles
    freshness: list[dict] = field(default_factory=list)  # new articles: {"day", "n", "p50_h", "p95_h"}
    backfill: dict = field(default_factory=dict)  # older articles stored for the first time: {"n", "oldest"}
    search: str | None = None
    found: list[dict] | None = None  # the articles the search found


def freshness(articles: list[dict], window_h: float = FRESH_WINDOW_H) -> list[dict]:
    """Publication to first stored of the new articles (stored within ``window_h`` of their
    publication: NEWSCRAWL_FRESH_WINDOW), by the day (UTC) they were first stored."""
    by_day: dict[str, list[float]] = {}
    for a in articles:
        published, first = a.get("published_at"), a.get("first_seen_at")
        if isinstance(published, datetime) and isinstance(first, datetime) and first >= published:
            lag_h = (first - published).total_seconds() / 3600
            if lag_h <= window_h:
                by_day.setdefault(first.date().isoformat(), []).append(lag_h)
    return [{"day": day, "n": len(lags), "p50_h": statistics.median(lags), "p95_h": percentile(lags, 0.95)}
            for day, lags in sorted(by_day.items())]


def backfill(articles: list[dict], window_h: float = FRESH_WINDOW_H) -> dict:
    """The articles stored more than ``window_h`` after their publication (an archive read for
    the first time): {"n", "oldest"} (the oldest one's publication day), or {}."""
    old = [a["published_at"] for a in articles
           if isinstance(a.get("published_at"), datetime) and isinstance(a.get("first_seen_at"), datetime)
           and (a["first_seen_at"] - a["published_at"]).total_seconds() > window_h * 3600]
    return {"n": len(old), "oldest": min(old).date().isoformat()} if old else {}


def gather(store: Store, site: str | None = None, since: datetime | None = None, runs: int = 200,
           articles: int = 25, search: str | None = None, window_h: float = FRESH_WINDOW_H) -> ReportData:
    now = datetime.now(timezone.utc)
    last = [r for r in judged(store.last_runs(runs, site=site), now, float(default("NEWSCRAWL_LOCK_STALE")))
            if since is None or (r.started_at and r.started_at >= since)]
    recent = list(store.find(Filters(site=site, limit=2000)))  # newest first, for freshness
    found = list(store.find(Filters(site=site, search=search, limit=50))) if search else None
    return ReportData(store=f"{store.kind} {store.where}", site=site, since=since,
                      generated_at=datetime.now(timezone.utc), articles_stored=store.count(site=site),
                      runs=[run_figures(r) for r in reversed(last)], days=store.run_days(site=site, since=since),
                      latest=recent[:articles], freshness=freshness(recent, window_h),
                      backfill=backfill(recent, window_h), search=search, found=found)


# ---- HTML ------------------------------------------------------------------------------
def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def href(url) -> str:
    """A link only to http(s) (a stored ``javascript:`` URL is no link)."""
    text = str(url or "")
    return esc(text) if text.startswith(("http://", "https://")) else "#"


def _num(v: float) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:,.2f}"


def svg_lines(title: str, labels: list[str], series: dict[str, list[float | None]], unit: str = "",
              height: int = 170, ymax: float | None = None) -> str:
    """A line chart: one polyline a series, a dot a point with its value as a tooltip."""
    w, h, left, bottom, top = 720, height, 52, 22, 10
    values = [v for vs in series.values() for v in vs if v is not None]
    top_value = ymax if ymax is not None else (max(values) if values else 1) or 1
    n = max(len(labels), 1)

    def x(i):
        return left + (w - left - 10) * (i / (n - 1) if n > 1 else 0.5)

    def y(v):
        return top + (h - top - bottom) * (1 - v / top_value)
    out = [f'<figure><figcaption>{esc(title)}</figcaption><svg class="chart" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{esc(title)}">',
           f'<line x1="{left}" y1="{y(0):.1f}" x2="{w - 10}" y2="{y(0):.1f}" class="axis"/>',
           f'<text x="{left - 4}" y="{y(top_value) + 4:.1f}" class="tick" text-anchor="end">{_num(top_value)}{esc(unit)}</text>',
           f'<text x="{left - 4}" y="{y(0) + 4:.1f}" class="tick" text-anchor="end">0</text>']
    out += _x_labels(labels, x(0), x(n - 1), h, n)
    for (name, vs), color in zip(series.items(), COLORS):
        given = [(i, v) for i, v in enumerate(vs) if v is not None]
        points = [(x(i), y(min(v, top_value))) for i, v in given]
        out.append(_series_svg(name, color, points, given, labels, unit))
    if not values:
        out.append(f'<text x="{w / 2:.0f}" y="{h / 2:.0f}" class="tick" text-anchor="middle">no data</text>')
    out.append("</svg>" + _legend(list(series)) + "</figure>")
    return "".join(out)


def _x_labels(labels: list[str], first: float, last: float, h: int, n: int) -> list[str]:
    if not labels:
        return []
    out = [f'<text x="{first:.1f}" y="{h - 4}" class="tick">{esc(labels[0])}</text>']
    if n > 1:
        out.append(f'<text x="{last:.1f}" y="{h - 4}" class="tick" text-anchor="end">{esc(labels[-1])}</text>')
    return out


def _series_svg(name: str, color: str, points: list[tuple[float, float]], given: list[tuple[int, float]],
                labels: list[str], unit: str) -> str:
    """One series: a polyline a run of consecutive values (a missing value is a gap, never a
    zero), and a dot a point with its value as a tooltip (up to 120 points)."""
    out = []
    segments: list[list[tuple[float, float]]] = []
    previous = -2
    for point, (i, _v) in zip(points, given):
        if i == previous + 1:
            segments[-1].append(point)
        else:
            segments.append([point])
        previous = i
    for seg in segments:
        if len(seg) > 1:
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.6" points="'
                       + " ".join(f"{a:.1f},{b:.1f}" for a, b in seg) + '"/>')
    if len(points) <= 120:
        for (a, b), (i, v) in zip(points, given):
            out.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.2" fill="{color}"><title>{esc(name)} '
                       f'{esc(labels[i] if i < len(labels) else "")}: {_num(v)}{esc(unit)}</title></circle>')
    return "".join(out)


def svg_bars(title: str, labels: list[str], series: dict[str, list[float]], height: int = 170,
             share: bool = False) -> str:
    """Stacked bars: one bar a label; ``share``: each bar scaled to 100%."""
    w, h, left, bottom, top = 720, height, 52, 22, 10
    n = max(len(labels), 1)
    totals = [sum(vs[i] for vs in series.values()) for i in range(len(labels))]
    top_value = 1.0 if share else (max(totals) if totals else 1) or 1
    step = (w - left - 10) / n
    out = [f'<figure><figcaption>{esc(title)}</figcaption><svg class="chart" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{esc(title)}">',
           f'<line x1="{left}" y1="{h - bottom}" x2="{w - 10}" y2="{h - bottom}" class="axis"/>',
           f'<text x="{left - 4}" y="{top + 4}" class="tick" text-anchor="end">'
           f'{"100%" if share else _num(top_value)}</text>']
    if labels:
        out.append(f'<text x="{left}" y="{h - 4}" class="tick">{esc(labels[0])}</text>')
        if n > 1:
            out.append(f'<text x="{w - 10}" y="{h - 4}" class="tick" text-anchor="end">{esc(labels[-1])}</text>')
    for i, label in enumerate(labels):
        base: float = h - bottom
        scale = (totals[i] or 1) if share else top_value
        for (name, vs), color in zip(series.items(), COLORS):
            v = vs[i]
            if not v:
                continue
            bar_h = (h - top - bottom) * v / scale
            base -= bar_h
            bw = min(max(step * 0.8, 0.6), 36.0)
            out.append(f'<rect x="{left + i * step + (step - bw) / 2:.1f}" y="{base:.1f}" width="{bw:.1f}" '
                       f'height="{bar_h:.1f}" fill="{color}"><title>{esc(label)} {esc(name)}: {_num(v)}</title></rect>')
    out.append("</svg>" + _legend(list(series)) + "</figure>")
    return "".join(out)


def _legend(names: list[str]) -> str:
    return '<p class="legend">' + " ".join(
        f'<span><i style="background:{c}"></i>{esc(n)}</span>' for n, c in zip(names, COLORS)) + "</p>"


STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{background:#111827;color:#f9fafb;padding:14px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#d1d5db}main{padding:8px 24px 40px;max-width:1180px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;margin:16px 0;padding:12px 16px}
h2{font-size:16px;margin:4px 0 10px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(740px,1fr));gap:8px}
figure{margin:0;overflow-x:auto}figcaption{font-weight:600;font-size:13px;color:#374151}
svg.chart{width:720px;max-width:none;height:auto;background:#fff}.axis{stroke:#9ca3af;stroke-width:1}
.tick{font-size:12px;fill:#4b5563}.chart text{font-family:inherit}.legend{margin:2px 0 8px;font-size:12px;color:#374151}
.legend span{margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #f3f4f6;vertical-align:top}
th{color:#374151;background:#f9fafb}td.n{text-align:right;font-variant-numeric:tabular-nums}
.status-passed{color:#15803d}.status-degraded{color:#b45309;font-weight:600}.status-failed,.status-unreachable,
.status-store_unavailable{color:#b91c1c;font-weight:600}.kpis{display:flex;flex-wrap:wrap;gap:10px}
.kpi{border:1px solid #e5e7eb;border-radius:6px;padding:8px 12px;background:#fff;min-width:120px}
.kpi b{display:block;font-size:20px}.muted{color:#6b7280}form input{padding:4px 6px;width:320px}
"""


def _kpis(d: ReportData) -> str:
    last = d.runs[-1] if d.runs else None
    total_runs = sum(day["runs"] for day in d.days)
    items = [("articles stored", f"{d.articles_stored:,}"), ("runs recorded", f"{total_runs:,}"),
             ("last run", esc(last["status"]) if last else "-"),
             ("last run started", esc((last["started_at"] or "")[:16].replace("T", " ")) if last else "-")]
    if d.freshness:
        items.append(("freshness p95 of new articles (latest day)", f"{d.freshness[-1]['p95_h']:.1f} h"))
    if d.backfill:
        items.append(("backfill", f"{d.backfill['n']:,} articles, oldest {esc(d.backfill['oldest'])}"))
    return '<div class="kpis">' + "".join(f'<div class="kpi"><span class="muted">{esc(k)}</span><b>{v}</b></div>'
                                          for k, v in items) + "</div>"


def _charts(d: ReportData) -> str:
    labels = [(r["started_at"] or "")[:16].replace("T", " ") for r in d.runs]
    return "".join([_run_charts(d.runs, labels), _coverage_charts(d.runs, labels), _theme_chart(d.runs, labels),
                    _daily_charts(d.days), _freshness_chart(d.freshness)])


def _run_charts(runs: list[dict], labels: list[str]) -> str:
    return "".join(['<section><h2>Last runs</h2><div class="grid">',
                    svg_bars("Articles per run: new and updated", labels,
                             {"new": [r["new"] for r in runs], "updated": [r["updated"] for r in runs]}),
                    svg_lines("Requests per new article", labels,
                              {"requests / new": [r["requests"] / r["new"] if r["new"] else None for r in runs]}),
                    svg_lines("Duration of each run", labels, {"duration": [r["duration_s"] for r in runs]}, unit=" s"),
                    svg_lines("Share of conditional requests answered 304", labels,
                              {"304 share": [100 * r["not_modified"] / r["conditional"] if r["conditional"] else None
                                             for r in runs]}, unit="%", ymax=100),
                    "</div></section>"])


def _coverage_charts(runs: list[dict], labels: list[str]) -> str:
    fields = [f for f in FIELDS if any(f in r["coverage"] for r in runs)]
    parts = ['<section><h2>Field coverage per run</h2><div class="grid">']
    for i in range(0, len(fields), 4):
        group = fields[i:i + 4]
        parts.append(svg_lines(", ".join(group), labels,
                               {f: [100 * r["coverage"][f] if f in r["coverage"] else None for r in runs]
                                for f in group}, unit="%", ymax=100, height=140))
    parts.append("</div></section>")
    return "".join(parts)


def _theme_chart(runs: list[dict], labels: list[str]) -> str:
    themes = sorted({t for r in runs for t in r["themes"]})
    return ('<section><h2>Themes (parser versions) per run: a redesign shows as a shift</h2>'
            + svg_bars("Share of articles read with each theme", labels,
                       {t: [r["themes"].get(t, 0) for r in runs] for t in themes}, share=True)
            + "</section>")


def _daily_charts(history: list[dict]) -> str:
    days = [day["day"] for day in history]
    return ('<section><h2>The whole history, by day</h2><div class="grid">'
            + svg_bars("Runs per day: passed and not", days,
                       {"passed": [day["passed"] for day in history],
                        "degraded": [day["degraded"] for day in history],
                        "other": [day["runs"] - day["passed"] - day["degraded"] for day in history]})
            + svg_bars("Articles per day: new and updated", days,
                       {"new": [day["new"] for day in history], "updated": [day["updated"] for day in history]})
            + "</div></section>")


def _freshness_chart(fresh: list[dict]) -> str:
    return ('<section><h2>Freshness: publication to first stored</h2><p class="muted">A backfill stores old '
            'articles: on its day the lag is their age. New articles of scheduled runs show how fresh the '
            'store is kept.</p>'
            + (svg_lines("By the day articles were first stored (hours)", [f["day"] for f in fresh],
                         {"p50": [f["p50_h"] for f in fresh], "p95": [f["p95_h"] for f in fresh]}, unit=" h")
               if fresh else '<p class="muted">No article with a publication time yet.</p>')
            + "</section>")


def _runs_table(runs: list[dict]) -> str:
    rows = []
    for r in reversed(runs[-50:]):
        why = "; ".join(r["failed_checks"]) or r["error"] or ""
        rows.append(f'<tr><td>{esc((r["started_at"] or "")[:19].replace("T", " "))}</td><td>{esc(r["site"])}</td>'
                    f'<td>{esc(r["mode"])}</td><td class="status-{esc(r["status"])}">{esc(r["status"])}</td>'
                    + "".join(f'<td class="n">{_num(r[k])}</td>' for k in ("duration_s", "pages", "requests",
                                                                          "not_modified", "new", "updated",
                                                                          "unchanged", "dropped"))
                    + f'<td>{esc(why)}</td></tr>')
    head = "".join(f"<th>{h}</th>" for h in ("started (UTC)", "site", "mode", "status", "seconds", "pages", "requests",
                                             "304", "new", "updated", "unchanged", "dropped", "why"))
    return (f'<section><h2>Runs (latest {min(len(runs), 50)})</h2><table id="runs"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _problems(runs: list[dict]) -> str:
    bad = [r for r in runs if r["status"] not in ("passed", "running")]
    if not bad:
        return '<section><h2>Degraded and failed runs</h2><p class="muted">None among the last runs.</p></section>'
    items = "".join(f'<li><b class="status-{esc(r["status"])}">{esc(r["status"])}</b> '
                    f'{esc((r["started_at"] or "")[:16].replace("T", " "))} {esc(r["site"])}: '
                    f'{esc("; ".join(r["failed_checks"]) or r["error"] or r["finish_reason"])}</li>'
                    for r in reversed(bad[-30:]))
    return f'<section><h2>Degraded and failed runs</h2><ul id="problems">{items}</ul></section>'


def _articles_table(title: str, articles: list[dict], table_id: str) -> str:
    rows = "".join(
        f'<tr><td><a href="{href(a.get("url"))}" rel="noopener noreferrer">{esc(a.get("title"))}</a></td>'
        f'<td>{esc(a.get("category"))}</td><td>{esc(", ".join(a.get("authors") or []))}</td>'
        f'<td>{esc(a["published_at"].strftime("%Y-%m-%d %H:%M") if isinstance(a.get("published_at"), datetime) else a.get("published_at"))}</td></tr>'
        for a in articles)
    return (f'<section><h2>{esc(title)}</h2><table id="{table_id}"><thead><tr><th>title</th><th>category</th>'
            f'<th>authors</th><th>published (UTC)</th></tr></thead><tbody>{rows}</tbody></table></section>')


def render(d: ReportData, live: bool = False, refresh_seconds: int = 30) -> str:
    """The page. ``live`` (the dashboard): a search form, and a refresh every ``refresh_seconds``
    unless a search is shown."""
    scope = f"site {d.site}" if d.site else "every site"
    head = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            'img-src data:; form-action \'self\'">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>newscrawl: {esc(scope)}</title><style>{STYLE}</style>"]
    if live and not d.search:
        head.append(f'<meta http-equiv="refresh" content="{refresh_seconds}">')
    body = [f'</head><body><header><h1>newscrawl: {esc(scope)}</h1><p>{esc(d.store)} · generated '
            f'{d.generated_at:%Y-%m-%d %H:%M:%S} UTC'
            + (f" · runs since {d.since:%Y-%m-%d}" if d.since else "")
            + (f" · refreshes every {refresh_seconds} s" if live and not d.search else "") + "</p></header><main>"]
    if live:
        body.append('<section><h2>Search the stored articles</h2><form method="get" action="/">'
                    f'<input type="search" name="q" value="{esc(d.search)}" placeholder="words in the title, summary or body">'
                    + (f'<input type="hidden" name="site" value="{esc(d.site)}">' if d.site else "")
                    + ' <button type="submit">Search</button></form></section>')
        if d.found is not None:
            body.append(_articles_table(f"{len(d.found)} article{'' if len(d.found) == 1 else 's'} found for “{d.search}”",
                                        d.found, "found"))
    body += [f"<section>{_kpis(d)}</section>", _charts(d) if d.runs else
             '<section><p class="muted">No crawl run recorded yet.</p></section>',
             _problems(d.runs), _runs_table(d.runs), _articles_table("Latest articles", d.latest, "latest"),
             "</main></body></html>"]
    return "".join(head + body)
