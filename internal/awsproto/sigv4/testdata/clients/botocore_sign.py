"""Signs requests with botocore's SigV4Auth and SigV4QueryAuth and sends them
with botocore's own HTTP session, to the capture server (see record.sh)."""
import sys
import urllib.request

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.httpsession import URLLib3Session

KEY, SECRET, TOKEN = sys.argv[2], sys.argv[3], sys.argv[4]
BASE = "http://127.0.0.1:" + sys.argv[1]
plain = Credentials(KEY, SECRET)
session = Credentials(KEY, SECRET, TOKEN)
http = URLLib3Session()


def send(name, auth, method, url, headers=None, body=b""):
    urllib.request.urlopen(BASE + "/__name?n=" + name).read()
    req = AWSRequest(method=method, url=url, headers=headers or {}, data=body)
    auth.add_auth(req)
    http.send(req.prepare())


# A REST-style path with escapes, dot segments and doubled slashes; a query
# in canonical form (botocore signs the URL's query as it is); header values
# with runs of spaces and a tab.
send("botocore-path-query-headers", SigV4Auth(plain, "kinesisvideo", "us-east-1"), "POST",
     BASE + "/a%20b/c%2Bd/%C3%BC/./x//y/../z?b=2&a=1&a=0&sp=a%20b&sl=a%2Fb&plus=%2B&e=&t=~",
     headers={"Content-Type": "application/json", "X-Custom": "  a   b    c ", "X-Tab": "a\t\tb  c"},
     body=b'{"StreamName":"cam 1"}')
send("botocore-session-token", SigV4Auth(session, "kinesis", "eu-west-1"), "POST", BASE + "/",
     headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Kinesis_20131202.ListStreams"},
     body=b"{}")
send("botocore-presigned", SigV4QueryAuth(plain, "kinesisvideo", "us-east-1", expires=300), "GET",
     BASE + "/?X-Amz-ChannelARN=arn%3Aaws%3Akinesisvideo%3Aus-east-1%3A123456789012%3Achannel%2Fchan%2F1&X-Amz-ClientId=viewer-1")
send("botocore-presigned-token", SigV4QueryAuth(session, "kinesis", "us-east-1", expires=60), "GET",
     BASE + "/stream/s%201")
