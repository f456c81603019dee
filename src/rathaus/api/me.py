"""`GET /api/v1/me/`: the client behind a bearer token (to check a token works)."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rathaus.api.authentication import ApiTokenAuthentication
from rathaus.api.problems import ProblemSerializer
from rathaus.apitokens.models import ApiToken

PROBLEM = "application/problem+json"


class TokenMunicipalitySerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    ars = serializers.CharField()


class MeSerializer(serializers.Serializer[Any]):
    """The API client the token belongs to."""

    name = serializers.CharField()
    municipality = TokenMunicipalitySerializer()
    scopes = serializers.ListField(child=serializers.CharField())
    token_expires_at = serializers.DateTimeField()


class MeView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="me_get",
        responses={
            200: MeSerializer,
            (401, PROBLEM): OpenApiResponse(
                ProblemSerializer, description="No token, or an invalid, expired or revoked one."
            ),
        },
    )
    def get(self, request: Request) -> Response:
        token = request.auth
        assert isinstance(token, ApiToken)  # IsAuthenticated let only token holders in
        client = token.client
        municipality = client.municipality
        return Response(
            MeSerializer(
                {
                    "name": client.name,
                    "municipality": {
                        "slug": municipality.slug,
                        "name": municipality.name,
                        "ars": municipality.ars,
                    },
                    "scopes": client.scopes,
                    "token_expires_at": token.expires_at,
                }
            ).data
        )


# Included into the v1 patterns of rathaus.api.urls.
urlpatterns = [path("me/", MeView.as_view(), name="me")]
