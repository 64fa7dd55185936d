"""The case's vocabulary (DESIGN.md): every state is an enum, never a bare string."""

from django.db import models


class Severity(models.TextChoices):
    SEV1 = "SEV1", "SEV1 — critical"
    SEV2 = "SEV2", "SEV2 — major"
    SEV3 = "SEV3", "SEV3 — minor"
    SEV4 = "SEV4", "SEV4 — low"


class Phase(models.TextChoices):
    """Phases in order; a case moves forward, or back when a phase proves premature."""

    DETECTED = "detected", "Detected"
    TRIAGE = "triage", "Triage"
    CONTAINED = "contained", "Contained"
    ERADICATED = "eradicated", "Eradicated"
    RECOVERED = "recovered", "Recovered"
    CLOSED = "closed", "Closed"


class EventKind(models.TextChoices):
    OBSERVATION = "observation", "Observation"
    ACTION = "action", "Action"
    DECISION = "decision", "Decision"
    COMMUNICATION = "communication", "Communication"
    FINDING = "finding", "Finding"
    STATUS_CHANGE = "status_change", "Status change"


class EventSource(models.TextChoices):
    PERSON = "person", "Person"
    HUNT = "hunt", "Hunt"
    IMPORT = "import", "Import"


class AssetState(models.TextChoices):
    ONLINE = "online", "Online"
    SUSPECTED = "suspected", "Suspected compromised"
    ISOLATED = "isolated", "Isolated"
    OFFLINE = "offline", "Offline"
    RESTORED = "restored", "Restored"


class Tlp(models.TextChoices):
    """Traffic Light Protocol 2.0 markings."""

    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


class TaskState(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionKind(models.TextChoices):
    TAKE_OFFLINE = "take_offline", "Take offline"
    BLOCK = "block", "Block"
    RESET_CREDENTIALS = "reset_credentials", "Reset credentials"
    RESTORE = "restore", "Restore"
    OTHER = "other", "Other"


class ActionState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    DONE = "done", "Done"
    REJECTED = "rejected", "Rejected"


class CustodyKind(models.TextChoices):
    ACQUIRED = "acquired", "Acquired"
    HASHED = "hashed", "Hashed"
    VERIFIED = "verified", "Hash verified"
    ACCESSED = "accessed", "Accessed"
    TRANSFERRED = "transferred", "Transferred"
