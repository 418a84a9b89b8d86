"""The counsellor's side: a web page that opens one booking after a login (docs/counsellor.md)."""
