"""Writes about people: organisations and memberships, exporting and deleting a
learner's own data."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .learnercache import learner_pages_changed
from .models import (
    Invitation,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    User,
    invite_token_new,
)
from .signals import organisation_merged, personal_data_export


def user_data_export(*, user: User) -> dict:
    """Everything the platform holds about a learner, as plain data.

    Each app that stores personal data adds its part by answering the
    ``training.signals.personal_data_export`` signal.
    """
    data = {
        "account": {
            "full_name": user.full_name,
            "email": user.email,
            "organisation": user.organisation,
            "memberships": [
                {
                    "organisation": m.organisation.name,
                    "role": m.get_role_display(),
                    "status": m.get_status_display(),
                    "requested_at": m.requested_at.isoformat(),
                    "started_at": m.started_at.isoformat() if m.started_at else None,
                    "ended_at": m.ended_at.isoformat() if m.ended_at else None,
                }
                for m in user.memberships.select_related("organisation")
            ],
            "job_role": user.get_job_role_display(),
            "date_joined": user.date_joined.isoformat(),
        }
    }
    for _, part in personal_data_export.send(sender=User, user=user):
        data.update(part)
    return data


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a learner's account and their training records.

    Issued certificates keep their frozen statement so an employer can still verify
    them; they no longer link to the account.
    """
    user.delete()


@transaction.atomic
def signup_request(
    *,
    full_name: str,
    email: str,
    job_role: str,
    password: str,
    join_organisation: Organisation | None = None,
) -> None:
    """Start a sign-up without saying whether the address already has an account.

    A new address gets an inactive account and a link to confirm it; an address
    whose account was never confirmed gets its details replaced and a fresh link
    (earlier links stop working); an address with an account gets an email telling
    its holder, with links to sign in or reset the password. The person signing up
    sees the same page, after the same work, in every case.
    """
    from .tasks import send_account_exists_email, send_signup_confirmation_email

    email = User.objects.normalize_email(email).lower()
    existing = User.objects.select_for_update().filter(email__iexact=email).first()
    if existing is not None and (existing.is_active or existing.last_login):
        make_password(password)  # the same hashing work as creating an account
        transaction.on_commit(
            lambda: send_account_exists_email.enqueue(user_id=existing.pk)
        )
        return
    user = existing or User(email=email)
    user.full_name = full_name
    user.job_role = job_role
    user.is_active = False
    user.set_password(password)
    user.save()
    if join_organisation is not None:
        # A request its managers approve once the account is confirmed and theirs.
        membership_request(user=user, organisation=join_organisation)
    transaction.on_commit(
        lambda: send_signup_confirmation_email.enqueue(user_id=user.pk)
    )


# --- Organisations and memberships ----------------------------------------------------


def _sync_user_organisation(user: User) -> None:
    """Keep ``User.organisation`` (shown in reports) equal to the current membership."""
    current = (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("organisation")
        .first()
    )
    name = current.organisation.name if current else ""
    if user.organisation != name:
        user.organisation = name
        user.save(update_fields=["organisation"])


def _lock_user(user: User) -> User:
    # Serialises membership changes for one person (PostgreSQL), so two requests
    # cannot both start a current membership.
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def membership_start(
    *,
    user: User,
    organisation: Organisation,
    role: str = MembershipRole.MEMBER,
    now: datetime | None = None,
) -> Membership:
    """Make ``organisation`` the person's current one, ending any other.

    The earlier membership is kept as history (status "Left"); so is everything the
    person did, which stays theirs. Starting again where they already are returns the
    current membership, with a manager role kept rather than lowered.
    """
    now = now or timezone.now()
    _lock_user(user)
    current = Membership.objects.filter(
        user=user, status=MembershipStatus.ACTIVE
    ).first()
    if current is not None and current.organisation_id == organisation.pk:
        if role == MembershipRole.MANAGER and current.role != role:
            current.role = role
            current.save(update_fields=["role"])
        Membership.objects.filter(
            user=user, status=MembershipStatus.PENDING, organisation=organisation
        ).update(status=MembershipStatus.ACTIVE, started_at=now)
        learner_pages_changed([user.pk])
        return current
    if current is not None:
        current.status = MembershipStatus.ENDED
        current.ended_at = now
        current.save(update_fields=["status", "ended_at"])
    pending = Membership.objects.filter(
        user=user, status=MembershipStatus.PENDING
    ).first()
    if pending is not None and pending.organisation_id == organisation.pk:
        membership = pending
        membership.status = MembershipStatus.ACTIVE
        membership.role = role
        membership.started_at = now
        membership.save(update_fields=["status", "role", "started_at"])
    else:
        membership = Membership.objects.create(
            user=user,
            organisation=organisation,
            role=role,
            status=MembershipStatus.ACTIVE,
            requested_at=now,
            started_at=now,
        )
    _sync_user_organisation(user)
    return membership


@transaction.atomic
def membership_request(
    *, user: User, organisation: Organisation, now: datetime | None = None
) -> Membership:
    """Ask to join ``organisation``: a pending request its managers approve.

    A newer request replaces an older pending one; asking to join the organisation
    the person already belongs to returns that membership.
    """
    _lock_user(user)
    current = Membership.objects.filter(
        user=user, status=MembershipStatus.ACTIVE, organisation=organisation
    ).first()
    if current is not None:
        return current
    pending = Membership.objects.filter(
        user=user, status=MembershipStatus.PENDING
    ).first()
    if pending is not None:
        if pending.organisation_id == organisation.pk:
            return pending
        pending.delete()
    return Membership.objects.create(
        user=user,
        organisation=organisation,
        status=MembershipStatus.PENDING,
        requested_at=now or timezone.now(),
    )


@transaction.atomic
def signup_confirm(*, user: User) -> User:
    """Activate an account whose holder followed the emailed link."""
    User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
    learner_pages_changed([user.pk])  # and the person kept with them
    user.is_active = True
    return user


@transaction.atomic
def membership_decide(
    *, membership: Membership, approve: bool, now: datetime | None = None
) -> Membership:
    """A manager approves or declines a pending request to join their organisation."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise ValidationError("This request has already been answered.")
    if approve:
        return membership_start(
            user=membership.user, organisation=membership.organisation, now=now
        )
    membership.status = MembershipStatus.DECLINED
    membership.ended_at = now or timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, now: datetime | None = None) -> None:
    """The person leaves the organisation. Their managers no longer see them; the
    membership stays in the person's history."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.PENDING):
        return
    membership.status = (
        MembershipStatus.ENDED
        if membership.status == MembershipStatus.ACTIVE
        else MembershipStatus.DECLINED
    )
    membership.ended_at = now or timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    _sync_user_organisation(membership.user)


@transaction.atomic
def membership_change(
    *, user: User, organisation: Organisation | None, now: datetime | None = None
) -> Membership | None:
    """Set the person's current organisation from the admin's user form: a new
    organisation starts a membership there (the old one is kept as history, status
    "Left"); none ends the current one; the same one changes nothing. Returns the
    current membership, if any."""
    _lock_user(user)
    current = (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("organisation")
        .first()
    )
    if organisation is None:
        if current is not None:
            membership_end(membership=current, now=now)
        return None
    if current is not None and current.organisation_id == organisation.pk:
        return current
    return membership_start(user=user, organisation=organisation, now=now)


@transaction.atomic
def membership_save(*, membership: Membership) -> Membership:
    """Save a membership edited in the admin, keeping one current one per person."""
    if membership.status == MembershipStatus.ACTIVE:
        others = Membership.objects.filter(
            user=membership.user, status=MembershipStatus.ACTIVE
        ).exclude(pk=membership.pk)
        now = timezone.now()
        others.update(status=MembershipStatus.ENDED, ended_at=now)
        learner_pages_changed([membership.user_id])
        membership.started_at = membership.started_at or now
    elif membership.status in (MembershipStatus.ENDED, MembershipStatus.DECLINED):
        membership.ended_at = membership.ended_at or timezone.now()
    membership.save()
    _sync_user_organisation(membership.user)
    return membership


@transaction.atomic
def organisation_invite_link_reset(*, organisation: Organisation) -> Organisation:
    """Replace the invite link, so the old one stops working."""
    organisation.invite_token = invite_token_new()
    organisation.save(update_fields=["invite_token"])
    return organisation


@transaction.atomic
def organisation_merge(*, source: Organisation, target: Organisation) -> Organisation:
    """Merge a near-duplicate ``source`` into ``target``, then delete ``source``.

    Every membership (current, pending and past) moves to ``target``, and so does
    everything later stages record against the organisation (they listen to
    ``organisation_merged``). A person with a pending request to ``target`` and a
    membership of ``source`` keeps the membership.
    """
    if source.pk == target.pk:
        raise ValidationError("Choose two different organisations to merge.")
    source = Organisation.objects.select_for_update().get(pk=source.pk)
    target = Organisation.objects.select_for_update().get(pk=target.pk)
    # A pending request to target made moot by a current membership of source.
    members_of_source = Membership.objects.filter(
        organisation=source, status=MembershipStatus.ACTIVE
    ).values("user_id")
    Membership.objects.filter(
        organisation=target,
        status=MembershipStatus.PENDING,
        user_id__in=members_of_source,
    ).delete()
    members_of_target = Membership.objects.filter(
        organisation=target, status=MembershipStatus.ACTIVE
    ).values("user_id")
    Membership.objects.filter(
        organisation=source,
        status=MembershipStatus.PENDING,
        user_id__in=members_of_target,
    ).delete()
    Membership.objects.filter(organisation=source).update(organisation=target)
    organisation_merged.send(sender=Organisation, source=source, target=target)
    User.objects.filter(
        memberships__organisation=target, memberships__status=MembershipStatus.ACTIVE
    ).exclude(organisation=target.name).update(organisation=target.name)
    source.delete()
    return target


# --- Invitations ------------------------------------------------------------------


@transaction.atomic
def invitations_create(
    *, organisation: Organisation, rows, invited_by: User | None = None
) -> list[Invitation]:
    """Invite the people in ``rows`` (the plan's rows to invite: email, full name,
    job role), once each: an address already invited to the organisation is
    skipped, so confirming the same file twice creates nothing the second time.
    Emails go out from a task after commit. Returns the new invitations."""
    emails = [row.email.lower() for row in rows]
    existing = set(
        Invitation.objects.filter(
            organisation=organisation, email__in=emails
        ).values_list("email", flat=True)
    )
    new = []
    seen = set(existing)
    for row in rows:
        email = row.email.lower()
        if email in seen:
            continue
        seen.add(email)
        new.append(
            Invitation(
                organisation=organisation,
                email=email,
                full_name=row.full_name,
                job_role=row.job_role,
                invited_by=invited_by,
            )
        )
    Invitation.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    created = list(
        Invitation.objects.filter(
            organisation=organisation,
            email__in=[i.email for i in new],
            sent_at__isnull=True,
            accepted_at__isnull=True,
        )
    )
    ids = [invitation.pk for invitation in created]
    if ids:
        from .tasks import invitations_send

        transaction.on_commit(lambda: invitations_send.enqueue(invitation_ids=ids))
    return created


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User, now: datetime | None = None
) -> Membership:
    """The invited person joins the organisation (ending any other membership)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation is for {invitation.email}. Sign in with that address "
            "to accept it."
        )
    membership = membership_start(
        user=user, organisation=invitation.organisation, now=now
    )
    if invitation.accepted_at is None:
        invitation.accepted_at = now or timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership
