"""Core sections of the manage area: branding, module switches, customers' numbers, staff."""

from django.http import Http404


def branding(request):
    raise Http404


def modules(request):
    raise Http404


def customers(request):
    raise Http404


def staff(request):
    raise Http404
