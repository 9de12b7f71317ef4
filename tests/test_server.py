"""The replica's HTTP server (newscrawl.replica.server): HEAD answers what GET answers, without
the body, as the real site's server does."""
import http.client
from urllib.parse import urlsplit


def test_head_answers_what_get_answers_without_a_body(replica):
    host = urlsplit(replica.base_url)
    for path in ("/", "/category/finance/", "/no-such-page/"):
        answers = {}
        for method in ("GET", "HEAD"):
            conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
            conn.request(method, path)
            resp = conn.getresponse()
            answers[method] = (resp.status, resp.getheader("Content-Type"), resp.getheader("Content-Length"),
                               resp.read())
            conn.close()
        assert answers["HEAD"][:3] == answers["GET"][:3], path
        assert answers["HEAD"][3] == b"" and len(answers["GET"][3]) == int(answers["GET"][2])
