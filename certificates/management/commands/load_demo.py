"""Load the demo content in fixtures/demo: pages, question bank, quizzes, accounts.

Each app loads its own part (its ``demo`` module); this command, in the last stage,
calls them in data-flow order: accounts (training), pages (courses), questions,
quizzes and demo learners (assessments), certificates.

Safe to run any number of times: what exists is left as it is, what is missing is
created. ``--update`` rewrites demo pages from the files (losing edits made to them).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from assessments import demo as assessments_demo
from assessments import demo_marking, demo_people
from certificates import demo as certificates_demo
from certificates import demo_teams
from courses.demo import load_catalogue
from training.demo import demo_accounts_ensure

DEFAULT_ROOT = Path(settings.BASE_DIR) / "fixtures" / "demo"


class Command(BaseCommand):
    help = "Load the demo courses, questions and accounts from fixtures/demo."

    def add_arguments(self, parser):
        parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
        parser.add_argument(
            "--update",
            action="store_true",
            help="Rewrite existing demo pages from the files.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even where DEMO_MODE is off (demo passwords are well known).",
        )

    def handle(self, *args, root: Path, update: bool, force: bool, **options):
        if not getattr(settings, "DEMO_MODE", False) and not force:
            raise CommandError(
                "Demo content includes accounts with published passwords; it loads "
                "only with DEMO_MODE on (the dev settings). Use --force to override."
            )
        if not root.is_dir():
            raise CommandError(f"No demo content at {root}.")
        report, quizzes = load_catalogue(root=root, update=update)
        self.stdout.write(
            f"Pages: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} already there."
        )
        # Demo learners' example.org addresses are not real: send their emails
        # (certificate issued, and so on) nowhere instead of printing each one.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        ):
            for step in self.extra_steps():
                message = step(root=root, quizzes=quizzes, update=update)
                if message:
                    self.stdout.write(message)
        accounts = self.accounts
        self.stdout.write(self.style.SUCCESS("Demo accounts (demo mode only):"))
        for account in accounts:
            self.stdout.write(
                f"  {account['role']:<8} {account['email']:<24} "
                f"password: {account['password']}"
            )

    def extra_steps(self):
        """Loaders of the apps that build on the catalogue, in data-flow order."""
        return [
            # The question bank and the quizzes placed in the course files' modules.
            assessments_demo.load,
            # Demo learners from people.yaml, working through their courses.
            demo_people.load,
            # The demo accounts, and the learner's own history (before marking, so
            # its written answer is marked like everyone else's).
            self.demo_accounts_load,
            # Their written answers marked by a demo trainer; a few left waiting.
            demo_marking.load,
            # Their certificates: revoked and expired ones made so; prints links.
            certificates_demo.load,
            # Two teams with managers: assignments overdue and due soon,
            # certificates expiring soon.
            demo_teams.load,
        ]

    def demo_accounts_load(self, **kwargs) -> str:
        """The demo accounts; the learner account part-way through a course, with a
        certificate for another (its email goes nowhere too)."""
        self.accounts = demo_accounts_ensure()
        for account in self.accounts:
            if account["role"] == "learner":
                demo_people.demo_learner_history(
                    user=get_user_model().objects.get(email=account["email"])
                )
        return ""
