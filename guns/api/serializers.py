from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alfadmin.models import Region
from guns.models import Decision, GunsMember, Meeting
from guns.quorum import Quorum, meeting_quorum


class GunsMemberSerializer(serializers.ModelSerializer):
    """Fields per docs/interfaces.md; `role` is chair | member | substitute."""

    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=["chair", "member", "substitute"], source="api_role")
    organisation = serializers.CharField(read_only=True)
    username = serializers.SerializerMethodField(help_text="The member's user account; null without one.")
    version = serializers.IntegerField(required=False)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_username(self, member: GunsMember) -> str | None:
        # Always in the output, also after a write whose instance has no user loaded.
        return member.user.username if member.user is not None else None

    class Meta:
        model = GunsMember
        fields = [
            "id",
            "name",
            "side",
            "region",
            "role",
            "term_start",
            "term_end",
            "organisation",
            "is_chair",
            "is_active",
            "username",
            "version",
        ]
        read_only_fields = ["is_chair", "is_active"]

    def to_service(self) -> dict:
        data = dict(self.validated_data)
        data.pop("version", None)
        role = data.pop("api_role", None)
        if role is not None:
            data["is_chair"] = role == "chair"
            data["role"] = GunsMember.Role.SUBSTITUTE if role == "substitute" else GunsMember.Role.MEMBER
        return data


class MeetingSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, queryset=GunsMember.objects.all(), required=False)
    quorum = serializers.SerializerMethodField()
    quorum_reason = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Meeting
        fields = ["id", "date", "title", "attendees", "quorum", "quorum_reason", "agenda", "version"]

    def _quorum(self, meeting: Meeting):
        # One serializer instance renders every row of a list (the ListSerializer's child), so the
        # cache on the instance computes each meeting's quorum once for its two fields.
        cache: dict[int, Quorum] = self.__dict__.setdefault("_quorum_cache", {})
        if meeting.pk not in cache:
            cache[meeting.pk] = meeting_quorum(meeting)
        return cache[meeting.pk]

    def get_quorum(self, meeting: Meeting) -> bool:
        return self._quorum(meeting).holds

    def get_quorum_reason(self, meeting: Meeting) -> str:
        return str(self._quorum(meeting).reason)

    def get_agenda(self, meeting: Meeting) -> list[dict]:
        return [{"position": i.position, "title": i.title, "decision": i.decision_id} for i in meeting.agenda.all()]


class DecisionSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True, allow_null=True, help_text="`GUNS YYYY:N` once adopted; null before.")
    amends = serializers.PrimaryKeyRelatedField(queryset=Decision.objects.all(), allow_null=True, required=False)
    amended_by = serializers.SerializerMethodField()
    votes = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Decision
        fields = [
            "id",
            "number",
            "kind",
            "title",
            "text",
            "rationale",
            "state",
            "meeting",
            "amount",
            "pot_year",
            "recipients",
            "period",
            "conditions",
            "amends",
            "effect",
            "evaluation_round",
            "amended_by",
            "consensus",
            "votes",
            "decided_at",
            "version",
        ]
        read_only_fields = ["state", "meeting", "consensus", "decided_at"]

    def get_amended_by(self, decision: Decision) -> list[str]:
        return [d.number for d in decision.amended_by.all() if d.number]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"yes": {"type": "integer"}, "no": {"type": "integer"}, "abstain": {"type": "integer"}},
            "description": "The counted votes; null for consensus or before the outcome.",
        }
    )
    def get_votes(self, decision: Decision) -> dict | None:
        if decision.votes_yes is None:
            return None
        return {"yes": decision.votes_yes, "no": decision.votes_no, "abstain": decision.votes_abstain}

    def to_service(self) -> dict:
        data = dict(self.validated_data)
        data.pop("version", None)
        return data


class VotesSerializer(serializers.Serializer):
    yes = serializers.IntegerField(min_value=0)
    no = serializers.IntegerField(min_value=0)
    abstain = serializers.IntegerField(min_value=0, default=0)


class OutcomeSerializer(serializers.Serializer):
    consensus = serializers.BooleanField(required=False, default=False)
    votes = VotesSerializer(required=False, allow_null=True)
    version = serializers.IntegerField(required=False)

    def validate(self, attrs):
        if not attrs.get("consensus") and not attrs.get("votes"):
            raise serializers.ValidationError({"votes": _("Record consensus or the votes (yes, no, abstain).")})
        return attrs


class ScheduleSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    version = serializers.IntegerField(required=False)


class StepSerializer(serializers.Serializer):
    """A step without a body of its own (refer back, withdraw): the version it is based on, if sent."""

    version = serializers.IntegerField(required=False, min_value=1)


class PotSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    set_aside = serializers.IntegerField()
    forfeited = serializers.IntegerField()
    carried_over = serializers.IntegerField()
    income = serializers.IntegerField()
    committed = serializers.IntegerField()
    paid = serializers.IntegerField()
    available = serializers.IntegerField()
