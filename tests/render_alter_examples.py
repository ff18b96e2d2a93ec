"""Examples of the incremental change kinds for tests/test_render.py, written against the
objects its creation examples make (users, audit.audit_logs, "order", active_users)."""

from __future__ import annotations

from schemac.model.schema import (
    Check,
    Column,
    Enum,
    Exclusion,
    ExclusionElement,
    Partition,
    Policy,
    SequenceOptions,
    Table,
    Unique,
    View,
)
from schemac.plan import changes as c

ROLE = Enum(name="user_role", values=("owner", "member", "it's", "naïve"))
NICK = Column(name="nick", type="text", nullable=True, default="'x'")
#: a stored generated column (nick computed from email): rendered only, nick stays plain
TOTAL = Column(name="nick", type="text", nullable=True, generated="lower(email)")
POLICY = Policy(name="tenant_isolation", using="true")
#: identity options of users.n (bigint) after `set identity options`
STEPS = SequenceOptions(start=10, increment=5, min_value=1, max_value=10**6, cache=1, cycle=False)


def _column(table: Table, name: str) -> Column:
    found = table.column(name)
    assert found is not None
    return found


def alter_examples(USERS: Table, AUDIT: Table) -> dict[str, list[c.Change]]:
    """Kind -> examples, in an order PostgreSQL accepts after the creation examples."""
    AGE, EMAIL, ROLE_COL, N = (_column(USERS, n) for n in ("age", "email", "role", "n"))
    return {
        "add_enum_value": [
            c.AddEnumValue(ROLE, "admin", ("before", "member")),
            c.AddEnumValue(ROLE, "guest"),
            c.AddEnumValue(ROLE, "root", ("after", "owner")),
        ],
        "add_column": [c.AddColumn(USERS, NICK, live=True)],
        "alter_column": [
            c.AlterColumn(
                USERS,
                "type",
                AGE,
                AGE.model_copy(update={"type": "bigint"}),
                using="age::bigint",
                rewrite=True,
                live=True,
            ),
            c.AlterColumn(
                USERS, "type", EMAIL, EMAIL.model_copy(update={"type": "text"}), live=True
            ),
            c.AlterColumn(USERS, "set default", AGE, AGE.model_copy(update={"default": "18"})),
            c.AlterColumn(USERS, "drop default", AGE, AGE),
            c.AlterColumn(USERS, "drop not null", ROLE_COL, ROLE_COL),
            c.AlterColumn(USERS, "set not null", ROLE_COL, ROLE_COL, proven=True),
            c.AlterColumn(USERS, "add identity", NICK, NICK),  # rendered only: nick is text
            c.AlterColumn(
                USERS, "set identity options", N, N.model_copy(update={"identity_options": STEPS})
            ),
            c.AlterColumn(USERS, "drop expression", TOTAL, NICK),  # rendered only
        ],
        "regenerate_column": [c.RegenerateColumn(USERS, NICK, TOTAL, live=True)],
        "sync_identity": [c.SyncIdentity(USERS, "n")],
        "add_constraint": [
            c.AddConstraint(
                USERS, Check(name="chk_users_nick", expression="nick <> ''"), not_valid=True
            ),
            c.AddConstraint(
                USERS, Unique(name="uq_users_nick", columns=("nick",)), using_index="uq_users_nick"
            ),
            c.AddConstraint(USERS, Unique(name="uq_users_age", columns=("age",), deferrable=True)),
            # no NOT VALID for an exclusion constraint; a qualified operator, an expression with
            # an operator class, INCLUDE, a predicate and a deferral
            c.AddConstraint(
                USERS,
                Exclusion(
                    name="excl_users_tenant_id_email",
                    method="btree",
                    elements=(
                        ExclusionElement(column="tenant_id", operator="="),
                        ExclusionElement(
                            expression="lower(email)",
                            opclass="text_pattern_ops",
                            operator="=",
                            operator_schema="pg_catalog",
                        ),
                    ),
                    include=("age",),
                    where="deleted_at IS NULL",
                    deferrable=True,
                    initially_deferred=True,
                ),
                live=True,
            ),
        ],
        "validate_constraint": [c.ValidateConstraint(USERS, "chk_users_nick")],
        "attach_index": [
            c.AttachIndex("audit", "ix_audit_logs_payload", "audit_logs_2026_01_payload")
        ],
        "detach_partition": [
            c.DetachPartition(AUDIT, Partition(name="audit_logs_2026_01"), concurrently=False),
            c.DetachPartition(AUDIT, Partition(name="audit_logs_list")),
        ],
        "attach_partition": [
            c.AttachPartition(
                AUDIT,
                Partition(
                    name="audit_logs_2026_01",
                    range_from=("'2026-01-01'",),
                    range_to=("'2026-03-01'",),
                ),
                proven=True,
            ),
        ],
        "drop_then_create_view": [
            c.DropThenCreateView(
                View(name="active_users", query="SELECT id, email, nick FROM users"),
                View(name="active_users", query="SELECT id, email FROM users"),
            )
        ],
        "set_rls": [c.SetRls(USERS, "no force"), c.SetRls(USERS, "disable")],
        "alter_policy": [
            c.AlterPolicy(
                USERS,
                POLICY,
                POLICY.model_copy(update={"roles": ("app_user",), "with_check": "true"}),
            )
        ],
        "rename": [
            c.Rename("column", "public", "users", "nick", "nickname"),
            c.Rename("constraint", "public", "users", "chk_users_nick", "chk_users_nickname"),
            c.Rename("index", "public", "ix_users_tags", "ix_users_tags", "ix_users_labels"),
            c.Rename("enum value", "public", "user_role", "guest", "visitor"),
            c.Rename("view", "public", "active_users", "active_users", "current_users"),
            c.Rename("table", "public", "order", "order", "orders"),
            c.Rename("type", "billing", "status", "status", "state"),
        ],
        "set_schema": [c.SetSchema("public", "loose", "billing")],
        "drop_column": [c.DropColumn(USERS, NICK)],
        "irreversible": [c.Irreversible("add enum value user_role.admin", "PostgreSQL\ncannot")],
        "set_storage": [
            c.SetStorage(
                USERS,
                (("fillfactor", "70"), ("vacuum_index_cleanup", "auto")),
                ("toast_tuple_target",),
                live=True,
            ),
            c.SetStorage(USERS, (), ("fillfactor", "vacuum_index_cleanup"), live=True),
        ],
        "set_persistence": [
            c.SetPersistence(USERS, True, live=True),
            c.SetPersistence(USERS, False, live=True),
        ],
        "set_replica_identity": [
            c.SetReplicaIdentity(USERS.model_copy(update={"replica_identity": "full"})),
            c.SetReplicaIdentity(
                USERS.model_copy(
                    update={"replica_identity": "index", "replica_index": "uq_users_email"}
                )
            ),
            c.SetReplicaIdentity(USERS.model_copy(update={"replica_identity": "nothing"})),
            c.SetReplicaIdentity(USERS),
        ],
        "set_column_storage": [
            c.SetColumnStorage(USERS, "age", 500, (("n_distinct", "-0.5"),), live=True),
            c.SetColumnStorage(USERS, "age", -1, (), ("n_distinct",), live=True),
        ],
        "set_index_statistics": [
            c.SetIndexStatistics(
                "public", "users", "uq_users_tenant_email", ((2, 800),), live=True
            ),
            c.SetIndexStatistics("public", "users", "uq_users_tenant_email", (), ((2, 800),)),
        ],
    }


#: examples that cannot run against those objects (rendered and parsed only; the same kinds
#: run on PostgreSQL in tests/test_incremental.py): active_users reads age and email, nick is
#: text, no partition index exists to attach, audit_logs_list is never created, a renamed view
#: or table would outlive the down examples
NOT_APPLIED = {
    ("alter_column", 0),
    ("alter_column", 1),
    ("alter_column", 6),
    ("alter_column", 8),
    ("regenerate_column", 0),
    ("add_constraint", 1),
    ("attach_index", 0),
    ("detach_partition", 1),
    ("rename", 4),
    ("rename", 5),
    ("drop_column", 0),
    ("irreversible", 0),
}
