"""API error shape: JSON with field names; Django ValidationError → 400, stale version → 409."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from alfadmin.kernel.errors import ConcurrentEditError, LockedError


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, ConcurrentEditError):
        return Response(
            {
                "detail": str(exc),
                "current_version": exc.current_version,
                "expected_version": exc.expected_version,
                "changed": exc.changed,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, LockedError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
