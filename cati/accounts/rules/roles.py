"""Roles and what each may do. Pure: the service layer checks these on every call."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    INTERVIEWER = "interviewer"
    SUPERVISOR = "supervisor"
    FINANCE = "finance"
    ADMIN = "admin"


class Permission(StrEnum):
    WORK_CASES = "work_cases"  # claim cases, record outcomes, answer questions
    VIEW_PROGRESS = "view_progress"
    MANAGE_PROVIDERS = "manage_providers"
    IMPORT_CLIENTS = "import_clients"
    EXPORT_ANSWERS = "export_answers"
    EXPORT_CONTACT = "export_contact"  # exports that include names, numbers, e-mail
    EXPLAIN_CASES = "explain_cases"
    VOID_INTERVIEW = "void_interview"
    BILLING = "billing"
    CLOSE_STATEMENT = "close_statement"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    CHANGE_SETTINGS = "change_settings"
    PURGE = "purge"
    SIMULATE = "simulate"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.INTERVIEWER: frozenset({Permission.WORK_CASES}),
    Role.SUPERVISOR: frozenset(
        {
            Permission.VIEW_PROGRESS,
            Permission.MANAGE_PROVIDERS,
            Permission.IMPORT_CLIENTS,
            Permission.EXPORT_ANSWERS,
            Permission.EXPORT_CONTACT,
            Permission.EXPLAIN_CASES,
            Permission.VOID_INTERVIEW,
            Permission.SIMULATE,
        }
    ),
    Role.FINANCE: frozenset({Permission.BILLING, Permission.CLOSE_STATEMENT, Permission.VIEW_PROGRESS}),
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.VIEW_AUDIT,
            Permission.CHANGE_SETTINGS,
            Permission.MANAGE_PROVIDERS,
            Permission.PURGE,
            Permission.SIMULATE,
            Permission.VIEW_PROGRESS,
        }
    ),
}


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {text!r}; roles are: {allowed}") from None


@dataclass(frozen=True)
class Actor:
    """Who is calling a service: a logged-in user (or a scheduled job's token user), with the
    languages they speak besides Dutch as they were at the login (ISO 639-1 codes)."""

    user_id: int
    username: str
    roles: frozenset[Role]
    languages: frozenset[str] = frozenset()

    def may(self, permission: Permission) -> bool:
        return any(permission in GRANTS[r] for r in self.roles)

    def has_role(self, role: Role) -> bool:
        return role in self.roles


class PermissionDenied(Exception):
    """A service was called by a user whose roles do not allow it."""

    def __init__(self, actor: Actor | None, permission: Permission) -> None:
        who = actor.username if actor else "(niet ingelogd)"
        super().__init__(f"{who} mag dit niet: {permission.value}")
        self.actor = actor
        self.permission = permission


def require(actor: Actor | None, permission: Permission) -> Actor:
    if actor is None or not actor.may(permission):
        raise PermissionDenied(actor, permission)
    return actor
