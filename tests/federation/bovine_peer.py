"""A bovine fediverse server (bovine-herd) and a client of it, for tests/federation/test_bovine.py.

Runs with the interpreter of its own virtual environment (``make bovine``:
``.venv-bovine``), since bovine-herd pins libraries of its own:

    python bovine_peer.py serve PORT DB          # the server, on 127.0.0.1:PORT
    python bovine_peer.py register PORT DB       # a new actor; prints {"secret": …}
    python bovine_peer.py follow PORT SECRET ACCT # WebFinger, then Follow via its outbox
    python bovine_peer.py inbox PORT SECRET      # its inbox's activities, as JSON lines
"""

from __future__ import annotations

import asyncio
import json
import sys


def serve(port: int, db: str) -> None:
    from bovine_herd import BovineHerd
    from quart import Quart

    app = Quart(__name__)
    BovineHerd(app, db_url=f"sqlite://{db}")
    app.run(host="127.0.0.1", port=port)


async def register(port: int, db: str) -> None:
    from bovine.crypto import generate_ed25519_private_key, private_key_to_did_key
    from bovine_store import bovine_admin_store

    async with bovine_admin_store(f"sqlite://{db}", domain=f"http://127.0.0.1:{port}") as store:
        name = await store.register("moocow")
        secret = generate_ed25519_private_key()
        await store.add_identity_string_to_actor(name, "key", private_key_to_did_key(secret))
    print(json.dumps({"name": name, "secret": secret}))


async def follow(port: int, secret: str, acct: str) -> None:
    import aiohttp
    from bovine import BovineClient
    from bovine.clients import lookup_uri_with_webfinger

    domain = "http://" + acct.split("@", 1)[1]
    async with aiohttp.ClientSession() as session:
        target, _ = await lookup_uri_with_webfinger(session, "acct:" + acct, domain=domain)
    async with BovineClient(domain=f"http://127.0.0.1:{port}", secret=secret) as actor:
        response = await actor.send_to_outbox(actor.activity_factory.follow(target).build())
        print(json.dumps({"actor": actor.information["id"], "target": target,
                          "status": response.status}))


async def inbox(port: int, secret: str) -> None:
    from bovine import BovineClient

    async with BovineClient(domain=f"http://127.0.0.1:{port}", secret=secret) as actor:
        async for item in actor.inbox():
            print(json.dumps(item))


def main() -> None:
    command, port = sys.argv[1], int(sys.argv[2])
    if command == "serve":
        serve(port, sys.argv[3])
    elif command == "register":
        asyncio.run(register(port, sys.argv[3]))
    elif command == "follow":
        asyncio.run(follow(port, sys.argv[3], sys.argv[4]))
    elif command == "inbox":
        asyncio.run(inbox(port, sys.argv[3]))


if __name__ == "__main__":
    main()
