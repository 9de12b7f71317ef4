"""What the store says of the crawls: `stats`, `report` (one HTML file), `dashboard` (served live)."""
from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

from newscrawl.ops.cli.options import (
    CliError,
    date_arg,
    metrics_opt,
    open_for,
    port,
    positive,
    printable,
    serve_metrics,
    settings_from,
    site_opt,
    store_opts,
)
from newscrawl.store.record import CrawlRun


def span(seconds: float) -> str:
    """A duration for people: 42 s, 3.5 min, 2.1 h, 4.0 d."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if abs(seconds) >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"


def cmd_stats(args) -> int:
    store = open_for(args)
    try:
        if args.format == "json":
            print(json.dumps(stats_json(store, args), indent=1, default=str))
        else:
            print_stats(store, args)
    finally:
        store.close()
    return 0


def last_runs(store, args) -> list[CrawlRun]:
    """The last runs as they are: one `running` without a sign of life for longer than a lock
    lives (NEWSCRAWL_LOCK_STALE) is shown killed (its process died without a word)."""
    from datetime import datetime, timezone

    from newscrawl.store.record import judged
    stale = settings_from(args).getfloat("NEWSCRAWL_LOCK_STALE")
    return judged(store.last_runs(args.runs, site=args.site), datetime.now(timezone.utc), stale)


def stats_json(store, args) -> dict:
    from newscrawl.ops.report import run_figures
    runs = [run_figures(r) for r in last_runs(store, args)
            if not args.since or (r.started_at and r.started_at >= args.since)]
    sites = store.sites()
    return {"store": f"{store.kind} {store.where}", "articles": store.count(site=args.site),
            "sites": {args.site: sites.get(args.site, 0)} if args.site else sites, "runs": runs}


def print_stats(store, args) -> None:
    sites = store.sites()
    if args.site:
        sites = {args.site: sites.get(args.site, 0)}
    by_cat, by_day = store.counts_by(args.days, site=args.site)
    print(f"Store: {store.kind} {store.where}\nArticles: {store.count(site=args.site)}"
          + (f" (site {args.site})" if args.site else ""))
    if len(sites) > 1:
        print("\nBy site:")
        for site, n in sites.items():
            print(f"  {site:<40} {n}")
    print("\nBy category:")
    for cat, n in by_cat.items():
        print(f"  {cat or '(none)':<24} {n}")
    print("\nBy day published (latest first):")
    for day, n in by_day.items():
        print(f"  {day}  {n}")
    print("\nLast crawl runs:")
    last = last_runs(store, args)
    for run in last:
        print("\n".join(run_lines(run)))
    print_shared_crawls(last)


def run_lines(run: CrawlRun) -> list[str]:
    """One crawl run as `newscrawl stats` shows it: its line, then its notes."""
    c = run.counts
    worker = f" worker {run.cluster.get('worker')} of {run.crawl_id}" if run.crawl_id else ""
    status = run.status or "?"
    outcome = status.upper() if status not in ("passed", "running", "finished", "stopped") else status
    started = f"{run.started_at:%Y-%m-%d %H:%M}" if run.started_at else "?"
    lines = [f"  {started} {run.site or '-'}  {run.mode or 'full':<11} "
             f"{outcome:<17} ({run.finish_reason or '-'}) new {c.get('new', 0)}, "
             f"updated {c.get('updated', 0)}, unchanged {c.get('unchanged', 0)}, "
             f"dropped {sum((c.get('dropped') or {}).values())}, spilled {c.get('spilled', 0)}  "
             f"{json.dumps(run.arguments)}{worker}"]
    return lines + run_notes(run)


def run_notes(run: CrawlRun) -> list[str]:
    from newscrawl.ops.report import count_figures
    f = count_figures(run.counts)
    lines = []
    if f["requests"]:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(f["requests_by_kind"].items(), key=lambda kv: -kv[1]))
        lines.append(f"      requests {f['requests']} ({kinds}); conditional {f['conditional']}, of which "
                     f"{f['not_modified']} answered 304")
    fresh = run.counts.get("freshness") or {}
    if fresh.get("n"):
        lines.append(f"      freshness of {fresh['n']} new articles, published to stored: p50 {span(fresh['p50_s'])}, "
                     f"p95 {span(fresh['p95_s'])}" + (f" ({fresh['date_only']} more with a date only)"
                                                       if fresh.get("date_only") else ""))
    if fresh.get("backfill"):
        oldest = (run.started_at - timedelta(seconds=fresh["backfill"]["oldest_lag_s"])) if run.started_at else None
        lines.append(f"      backfill: {fresh['backfill']['n']} articles, oldest "
                     f"{oldest.date().isoformat() if oldest else '?'}")
    if run.counts.get("stale_validators"):
        lines.append(f"      {run.counts['stale_validators']} change signals kept their validators while their "
                     f"content changed")
    if run.error:
        lines.append(f"      {printable(run.error)}")
    lines += [f"      check failed: {reason}" for reason in run.failed_checks]
    return lines


def print_shared_crawls(last: list[CrawlRun]) -> None:
    crawls: dict[tuple, list[CrawlRun]] = {}
    for run in last:
        if run.crawl_id:
            crawls.setdefault((run.crawl_id, run.cluster.get("generation")), []).append(run)
    if crawls:
        print("\nShared crawls (REDIS_URL), among these runs:")
    for (cid, gen), workers in crawls.items():
        total = {k: sum(w.counts.get(k, 0) for w in workers) for k in ("new", "updated", "unchanged")}
        reasons = sorted({str(w.finish_reason or w.status) for w in workers})
        print(f"  {cid} generation {gen}: {len(workers)} workers ({', '.join(reasons)}); new {total['new']}, "
              f"updated {total['updated']}, unchanged {total['unchanged']}")


def cmd_report(args) -> int:
    from newscrawl.ops.report import gather, render
    out = Path(args.out)
    if args.out != "-" and not out.parent.is_dir():
        raise CliError(f"--out {args.out}: no folder {out.parent}")
    store = open_for(args)
    try:
        window = settings_from(args).getfloat("NEWSCRAWL_FRESH_WINDOW")
        page = render(gather(store, site=args.site, since=args.since, runs=args.runs, window_h=window))
    finally:
        store.close()
    if args.out == "-":
        sys.stdout.write(page)
    else:
        out.write_text(page, encoding="utf-8")
        print(f"Wrote {out} ({len(page.encode()) / 1024:.0f} KiB): open it in a browser, offline")
    return 0


def cmd_dashboard(args) -> int:
    from newscrawl.ops.dashboard import Dashboard
    from newscrawl.site.rules import is_loopback
    settings = settings_from(args)
    password = settings.get("NEWSCRAWL_DASHBOARD_PASSWORD")  # the environment feeds the settings
    user = settings.get("NEWSCRAWL_DASHBOARD_USER")
    store = open_for(args)
    try:
        server = Dashboard((args.host, args.port), store, site=args.site, password=password, user=user)
    except OSError as exc:
        store.close()
        raise CliError(f"cannot serve on {args.host}:{args.port} ({exc.strerror}); pass another --port") from None
    from newscrawl.ops.exporter import CallbackCollector

    def stored() -> float:
        with server.lock:
            return float(store.count(site=args.site))
    serve_metrics(args, settings, CallbackCollector("dashboard", {
        "newscrawl_store_articles": ("Articles in the store (the dashboard's site, else all)", stored)}))
    port = server.server_address[1]
    if not is_loopback(args.host) and not password:
        print(f"newscrawl dashboard: warning: bound to {args.host} without NEWSCRAWL_DASHBOARD_PASSWORD: anyone "
              f"who reaches port {port} reads the store", file=sys.stderr)
    print(f"Dashboard of {store.kind} {store.where} at http://{args.host}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        store.close()
    return 0



def add_parsers(sub) -> None:
    st = sub.add_parser("stats", help="counts by category and day, the last crawl runs")
    store_opts(st)
    site_opt(st)
    st.add_argument("--days", type=positive, default=14)
    st.add_argument("--runs", type=positive, default=5, help="the last N crawl runs (default 5)")
    st.add_argument("--since", type=date_arg, help="runs started on or after YYYY-MM-DD")
    st.add_argument("--format", choices=("text", "json"), default="text",
                    help="json: one object with the store, per-site totals and the runs' figures")
    st.set_defaults(fn=cmd_stats)
    rp = sub.add_parser("report", help="the run history as one self-contained HTML file")
    store_opts(rp)
    site_opt(rp)
    rp.add_argument("--out", required=True, help="an .html file, or - for standard output")
    rp.add_argument("--since", type=date_arg, help="runs started on or after YYYY-MM-DD")
    rp.add_argument("--runs", type=positive, default=200, help="the last N runs in full (default 200; the "
                                                                  "daily history covers every run)")
    rp.set_defaults(fn=cmd_report)
    db = sub.add_parser("dashboard", help="the report served live from the store, with a search")
    store_opts(db)
    site_opt(db)
    db.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; elsewhere, set "
                                                        "NEWSCRAWL_DASHBOARD_PASSWORD)")
    db.add_argument("--port", type=port, default=8650, help="the port (default: 8650)")
    metrics_opt(db)
    db.set_defaults(fn=cmd_dashboard)
