from django.http import HttpRequest, HttpResponse


def landing(request: HttpRequest) -> HttpResponse:
    return HttpResponse("rathaus")
