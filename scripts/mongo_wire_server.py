"""A MongoDB wire-protocol server for the tests: mongoeco's AsyncMongoEcoProxyServer.

Not MongoDB: a stand-in that speaks the wire protocol, so that pymongo talks to it over a
real socket (BSON, server selection, network errors). It needs Python 3.13 and
``mongoeco[wire]`` (``scripts/system-deps.sh`` makes ``.venv-mongo`` with both).

Usage: python scripts/mongo_wire_server.py --port N [--host ADDRESS] [--path FILE.sqlite3] [--user NAME:PASSWORD]
Prints ``ready mongodb://127.0.0.1:N/?directConnection=true`` once it accepts connections,
then serves until SIGTERM/SIGINT. With --path the data lives in that SQLite file and survives
a restart of the server (the fault tests kill it and start it again); without, in memory.
"""
from __future__ import annotations

import argparse
import asyncio
import signal


async def main() -> None:
    from mongoeco.engines.memory import MemoryEngine
    from mongoeco.engines.sqlite import SQLiteEngine
    from mongoeco.wire.auth import WireAuthUser
    from mongoeco.wire.proxy import AsyncMongoEcoProxyServer

    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (a network namespace's own)")
    p.add_argument("--path")
    p.add_argument("--user", action="append", default=[], help="NAME:PASSWORD (SCRAM), repeatable")
    args = p.parse_args()
    engine = SQLiteEngine(args.path) if args.path else MemoryEngine()
    users = tuple(WireAuthUser(*u.split(":", 1), roles=({"role": "root", "db": "admin"},)) for u in args.user)
    server = AsyncMongoEcoProxyServer(engine=engine, host=args.host, port=args.port,
                                      auth_users=users)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        print(f"ready mongodb://{args.host}:{server.address.port}/?directConnection=true", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
