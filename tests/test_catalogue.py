"""The store's catalogue (newscrawl.store.catalogue) against what a real crawl stores in MongoDB
(the wire server): every collection, index and document field written is documented, and
every documented article field is written."""
import uuid

import pymongo

from newscrawl.store.catalogue import collections

from .test_store_mongo import mongo_crawl


def test_what_a_crawl_stores_is_what_the_catalogue_documents(tmp_path, mongo_uri, fresh_replica):
    db = f"cat_{uuid.uuid4().hex[:8]}"
    for _ in range(2):  # the second run is incremental: validators, touches
        proc = mongo_crawl(tmp_path, mongo_uri, db, fresh_replica.base_url, "-a", "categories=banking")
        assert proc.returncode == 0, proc.stderr[-2000:]
    documented = {c.name: c for c in collections()}
    client = pymongo.MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        names = set(client[db].list_collection_names())
        assert names - set(documented) == set()
        for name in names:
            keys: set[str] = set()
            for doc in client[db][name].find():
                keys |= set(doc)
            assert keys - {"_id"} - set(documented[name].fields) == set(), name
            indexes = set(client[db][name].index_information()) - {"_id_"}
            assert indexes == {i.name for i in documented[name].indexes}, name
        article_keys: set[str] = set()
        for doc in client[db].articles.find():
            article_keys |= set(doc)
        assert set(documented["articles"].fields) - article_keys == set()
    finally:
        client.drop_database(db)
        client.close()
