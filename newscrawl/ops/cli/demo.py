"""The offline replica: `demo` (serve it and crawl it into a store of its own) and `serve`."""
from __future__ import annotations

import sys

from newscrawl.keys import DROPPED, MODE, STORE
from newscrawl.ops.cli.articles import write_docs
from newscrawl.ops.cli.options import CliError, count, log_level, open_for, port, settings_from, store_opts


def cmd_serve(args) -> int:
    from newscrawl.replica import ReplicaServer, ReplicaSite, build_articles
    try:
        server = ReplicaServer(ReplicaSite(build_articles(args.articles)), port=args.port)
    except OSError as exc:
        raise CliError(f"cannot serve on 127.0.0.1:{args.port} ({exc.strerror}); pass another --port") from None
    print(f"Replica of the portal at {server.base_url}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def cmd_demo(args) -> int:
    from scrapy.crawler import CrawlerProcess

    from newscrawl.replica import ReplicaServer, ReplicaSite
    from newscrawl.store import data_dir, default_data_dir, store_kind
    # The demo's own store (data/demo), never the default one a live crawl uses.
    if not args.data_dir:
        args.data_dir = str(default_data_dir() / "demo")
    if not args.mongo_uri and not args.store:
        args.store = "embedded"
    settings = settings_from(args)
    settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    try:  # a fixed port keeps the replica's URLs, so a second demo finds them unchanged
        server = ReplicaServer(ReplicaSite(), port=args.port)
    except OSError as exc:
        raise CliError(f"cannot serve the replica on 127.0.0.1:{args.port} ({exc.strerror}); "
                       f"pass another --port") from None
    with server:
        print(f"Serving the offline replica of the portal at {server.base_url}/")
        if store_kind(settings) == "embedded":
            print(f"Demo store: {data_dir(settings)} (the default store is left alone; "
                  f"newscrawl query --data-dir {data_dir(settings)})")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("gbaf")
        process.crawl(crawler, base_url=server.base_url)
        process.start()
    stats = crawler.stats.get_stats()
    where = stats.get(STORE, "?")
    mode = stats.get(MODE, "full")
    if mode == "incremental":
        print(f"\nIncremental re-run: the store already held this site; "
              f"{stats.get('newscrawl/http/not_modified', 0)} pages answered 304 Not Modified "
              f"(-a refresh=all, or a fresh --data-dir, crawls everything).")
    print(f"\nCrawled {stats.get('response_received_count', 0)} pages; stored "
          f"{stats.get('newscrawl/store/new', 0)} new, {stats.get('newscrawl/store/updated', 0)} updated, "
          f"{stats.get('newscrawl/store/unchanged', 0)} unchanged articles in {where}.")
    dropped = {k.split("/")[-1]: v for k, v in stats.items() if k.startswith(DROPPED)}
    if dropped:
        print("Dropped on purpose (the replica has bad pages): " +
              ", ".join(f"{k} {v}" for k, v in sorted(dropped.items())))
    print(f"Finish reason: {stats.get('finish_reason')}\n\nLatest articles:")
    store = open_for(args, readonly=False)
    from newscrawl.store import Filters
    write_docs(store.find(Filters(limit=10, site=server.base_url)), "table", sys.stdout)  # this demo's site
    store.close()
    where = " --store mongodb" if store_kind(settings) == "mongodb" else f" --data-dir {data_dir(settings)}"
    print(f"\nTry: newscrawl query{where} --category finance | newscrawl stats{where} | "
          f"newscrawl export{where} --format csv --out articles.csv")
    from newscrawl.crawl.outcome import exit_code, run_status
    return exit_code(run_status(stats), settings.getbool("NEWSCRAWL_FAIL_ON_DEGRADED"))



def add_parsers(sub) -> None:
    d = sub.add_parser("demo", help="crawl the offline replica into a store of its own")
    store_opts(d)
    d.add_argument("--log-level", type=log_level, default="WARNING", help="the crawl's log level (default: WARNING)")
    d.add_argument("--port", type=port, default=8642, help="port of the replica on 127.0.0.1")
    d.set_defaults(fn=cmd_demo)
    s = sub.add_parser("serve", help="serve the offline replica on 127.0.0.1")
    s.add_argument("--port", type=port, default=8000, help="the port on 127.0.0.1 (default: 8000)")
    s.add_argument("--articles", type=count, default=34, help="generated articles beside the hand-written ones")
    s.set_defaults(fn=cmd_serve)
