"""后台任务 pages: a job's progress (polled by htmx every 2 s until it ends), its download, the user's jobs.

A job is its owner's alone: anyone else, a missing job and a malformed id all get 404."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render

from access import rights
from access.decorators import requires
from core.listing import MAX_KEY
from core.models import JobProgress


def _own_job(request, pk: int) -> JobProgress:
    if not 1 <= pk <= MAX_KEY:  # <int:pk> takes any length; SQLite overflows past 2**63
        raise Http404
    job = JobProgress.objects.filter(pk=pk, owner=request.user).first()
    if job is None:
        raise Http404
    return job


@requires(rights.is_authenticated)
def job_list(request):
    jobs = JobProgress.objects.filter(owner=request.user).order_by("-id")[:50]
    return render(request, "portal/jobs/list.html", {"jobs": jobs, "keep_days": settings.EXPORT_KEEP_DAYS})


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    template = "portal/jobs/progress.html" if request.htmx else "portal/jobs/detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, pk):
    job = _own_job(request, pk)
    if job.state != JobProgress.DONE or not job.result_name:
        raise Http404
    try:
        handle = default_storage.open(job.result_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.download_name or "导出.xlsx")
