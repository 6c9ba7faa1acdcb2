from rest_framework import serializers

from guns.models import GunsMember


class GunsMemberSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    organisation = serializers.SerializerMethodField()
    username = serializers.CharField(
        source="user.username", read_only=True, default=None, allow_null=True, help_text="The member's user account; null without one."
    )

    class Meta:
        model = GunsMember
        fields = ["id", "name", "region", "side", "organisation", "is_chair", "is_active", "username"]

    def get_organisation(self, member: GunsMember) -> str:
        return member.region.university.name if member.side == GunsMember.Side.UNIVERSITY else member.region.name
