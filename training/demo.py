"""Demo accounts for trying the platform: a learner, two managers (of Northbrook
Recovery Service and Kestrelford Women's Support Service), a trainer and an
administrator.

They are created only by ``manage.py load_demo``, which runs only where DEMO_MODE is
on (the dev settings), so these well-known passwords never reach a real deployment.
"""

from django.contrib.auth.models import Group

from .models import JobRole, MembershipRole, Organisation, User
from .services import membership_start

DEMO_ACCOUNTS = [
    {
        "email": "learner@example.org",
        "password": "learner-demo-pass",
        "full_name": "Alex Morgan",
        "organisation": "Northbrook Recovery Service",
        "job_role": JobRole.KEYWORKER,
        "role": "learner",
    },
    {
        "email": "manager@example.org",
        "password": "manager-demo-pass",
        "full_name": "Morgan Ellis",
        "organisation": "Northbrook Recovery Service",
        "job_role": JobRole.MANAGER,
        "role": "manager",
    },
    {
        "email": "manager.kestrelford@example.org",
        "password": "manager-demo-pass",
        "full_name": "Farah Qureshi",
        "organisation": "Kestrelford Women's Support Service",
        "job_role": JobRole.MANAGER,
        "role": "manager",
    },
    {
        "email": "trainer@example.org",
        "password": "trainer-demo-pass",
        "full_name": "Priya Shah",
        "organisation": "ADVANCE training team",
        "job_role": JobRole.OTHER,
        "role": "trainer",
    },
    {
        "email": "admin@example.org",
        "password": "admin-demo-pass",
        "full_name": "Site Administrator",
        "organisation": "ADVANCE training team",
        "job_role": JobRole.MANAGER,
        "role": "admin",
    },
]


def demo_accounts_ensure() -> list[dict]:
    """Create the demo accounts that are missing; return what to print."""
    trainers = Group.objects.get(name="Trainers")
    for spec in DEMO_ACCOUNTS:
        user = User.objects.filter(email=spec["email"]).first()
        if user is None:
            user = User.objects.create_user(
                email=spec["email"],
                password=spec["password"],
                full_name=spec["full_name"],
                organisation=spec["organisation"],
                job_role=spec["job_role"],
            )
        organisation = Organisation.objects.filter(
            name__iexact=spec["organisation"]
        ).first()
        if organisation is not None and spec["role"] in ("learner", "manager"):
            membership_start(
                user=user,
                organisation=organisation,
                role=MembershipRole.MANAGER
                if spec["role"] == "manager"
                else MembershipRole.MEMBER,
            )
        if spec["role"] == "trainer":
            user.groups.add(trainers)
        if spec["role"] == "admin" and not user.is_superuser:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
    return DEMO_ACCOUNTS
