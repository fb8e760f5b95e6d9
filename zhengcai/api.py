"""The JSON API root (django-ninja). Each app contributes a router from its api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="政采 Zhengcai API", version="1.0", urls_namespace="api")
