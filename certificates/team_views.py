"""A manager's "My team": the dashboard, one person's page, the CSV export and the
team's capability checklist; and a learner's own CPD record (HTML, CSV, PDF).

Every view is wrapped in ``manager_required`` and reads only through
``certificates.team`` and ``certificates.team_checklist``, scoped to
``request.organisation``: a person from another organisation, or one who has left,
is a 404.
"""

import csv

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from courses.models import CoursePage
from training.permissions import manager_required
from training.selectors import pending_requests
from training.spreadsheets import Echo, cell_safe

from .cpd import cpd_pdf, cpd_record
from .rendering import CertificateRenderError
from .team import (
    SORTS,
    TeamFilter,
    team_charts,
    team_export_rows,
    team_queryset,
    team_rows,
)
from .team_checklist import team_checklist

PER_PAGE = 50


class TeamFilterForm(forms.Form):
    q = forms.CharField(
        label="Name or email", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )  # fmt: skip
    course = forms.ModelChoiceField(
        label="Course",
        required=False,
        queryset=CoursePage.objects.live().order_by("title"),
        empty_label="All courses",
    )
    show = forms.ChoiceField(label="Show", required=False, choices=TeamFilter.CHOICES)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            text = data["q"].strip()
            queryset = queryset.filter(
                Q(full_name__icontains=text) | Q(email__icontains=text)
            )
        if data.get("course"):
            course = data["course"]
            queryset = queryset.filter(
                Q(enrolments__course=course) | Q(assignments__course=course)
            )
        queryset = queryset.filter(TeamFilter.condition(data.get("show") or "all"))
        _, ordering = SORTS.get(data.get("sort") or "name", SORTS["name"])
        return queryset.order_by(*ordering)


def _filtered(request):
    form = TeamFilterForm(request.GET or None)
    queryset = team_queryset(organisation=request.organisation)
    if form.is_bound and not form.is_valid():
        return form, None
    if not form.is_bound:
        form.cleaned_data = {}
    return form, form.filter(queryset)


@manager_required
def team(request):
    form, queryset = _filtered(request)
    if queryset is None:
        return TemplateResponse(
            request,
            "certificates/team/dashboard.html",
            {"form": form, "organisation": request.organisation},
            status=400,
        )
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "certificates/team/dashboard.html",
        {
            "form": form,
            "organisation": request.organisation,
            "page": page,
            "members": team_rows(
                organisation=request.organisation, users=list(page.object_list)
            ),
            "charts": team_charts(organisation=request.organisation),
            "pending_count": pending_requests(
                organisation=request.organisation
            ).count(),
            "query": query.urlencode(),
        },
    )


@manager_required
def team_person(request, user_id: int):
    user = get_object_or_404(
        team_queryset(organisation=request.organisation), pk=user_id
    )
    [member] = team_rows(organisation=request.organisation, users=[user])
    return TemplateResponse(
        request,
        "certificates/team/person.html",
        {"organisation": request.organisation, "member": member},
    )


@manager_required
def team_capabilities(request):
    """The team checklist of the capabilities framework: totals per area and level,
    and named rows only for those who agreed to share."""
    return TemplateResponse(
        request,
        "certificates/team/capabilities.html",
        {
            "organisation": request.organisation,
            "checklist": team_checklist(organisation=request.organisation),
        },
    )


EXPORT_HEADER = [
    "Name",
    "Email",
    "Job role",
    "Course",
    "Due",
    "Status",
    "Progress (%)",
    "Completed",
    "Certificate",
    "Certificate expires",
    "Last activity",
    "Learning time (minutes)",
]


def _date(value):
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d")


def _export_lines(organisation, queryset):
    writer = csv.writer(Echo())
    yield writer.writerow(EXPORT_HEADER)
    for member, course in team_export_rows(
        organisation=organisation, queryset=queryset
    ):
        user = member.user
        cells = [user.full_name, user.email, user.get_job_role_display()]
        if course is None:
            cells += [""] * 7
        else:
            certificate = course.certificate
            status = course.status_label
            if course.overdue:
                status = f"{status} (overdue)"
            cells += [
                course.title,
                _date(course.due_on),
                status,
                course.percent,
                _date(course.completed_at),
                certificate.status_label if certificate else "",
                _date(certificate.expires_at) if certificate else "",
            ]
        cells.append(_date(member.last_activity))
        cells.append("" if course is None else round(course.learning_seconds / 60))
        yield writer.writerow([cell_safe(cell) for cell in cells])


@manager_required
def team_export(request):
    form, queryset = _filtered(request)
    if queryset is None:
        return HttpResponseBadRequest(
            "Those filters are not valid: go back to My team and choose again.",
            content_type="text/plain; charset=utf-8",
        )
    response = StreamingHttpResponse(
        _export_lines(request.organisation, queryset),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-team.csv"'
    return response


# --- A learner's CPD record ---------------------------------------------------------


@login_required
def cpd(request):
    return TemplateResponse(
        request, "certificates/cpd.html", {"record": cpd_record(user=request.user)}
    )


@login_required
def cpd_csv(request):
    record = cpd_record(user=request.user)
    writer = csv.writer(Echo())
    lines = [
        writer.writerow(["Year", "Course", "Completed", "Certificate", "CPD hours"])
    ]
    for year in record.years:
        for entry in year.entries:
            lines.append(
                writer.writerow(
                    [
                        cell_safe(cell)
                        for cell in (
                            year.year,
                            entry.course_title,
                            entry.completed_on.isoformat(),
                            entry.certificate_code,
                            entry.hours_text,
                        )
                    ]
                )
            )
        lines.append(
            writer.writerow(
                [year.year, f"Total for {year.year}", "", "", year.total_text]
            )
        )
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-cpd-record.csv"'
    return response


@login_required
def cpd_download(request):
    try:
        data = cpd_pdf(record=cpd_record(user=request.user))
    except CertificateRenderError as error:
        return TemplateResponse(
            request,
            "certificates/cpd.html",
            {"record": cpd_record(user=request.user), "pdf_error": str(error)},
            status=422,
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-cpd-record.pdf"'
    return response
