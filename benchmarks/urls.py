"""The project's URLs with a bare view beside them, for benchmarks/serve.py.

The bare view answers "ok" through the same middleware in the same server, so each
page's rate can be given as a ratio to it.
"""

from django.http import HttpResponse
from django.urls import path

from training.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
