"""An offline replica of the portal, served on localhost for tests, the demo and benchmarks."""
from newscrawl.replica.content import ReplicaArticle, build_articles, fresh_articles
from newscrawl.replica.server import ReplicaServer
from newscrawl.replica.site import ReplicaSite, expected_articles

__all__ = ["ReplicaArticle", "ReplicaServer", "ReplicaSite", "build_articles", "expected_articles",
           "fresh_articles"]
