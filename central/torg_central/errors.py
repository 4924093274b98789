"""Every error answer is JSON: ``{"error": "<a sentence>", "code": "<machine-readable>"}``."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """An answer other than success, raised by a view: status, a code and a sentence."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str):
    response = jsonify(error=message, code=code)
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        return error_response(error.status, error.code, error.message)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        code, message = _sentence_for(status, error)
        response = error_response(status, code, message)
        valid_methods = getattr(error, "valid_methods", None)
        if status == 405 and valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Failed to answer %s %s", request.method, request.path)
        return error_response(
            500,
            "server_error",
            "The server failed to handle this request; nothing was stored. Try again later.",
        )


def _sentence_for(status: int, error: HTTPException) -> tuple[str, str]:
    if status == 404:
        return "not_found", f"Nothing at {request.path} on this server."
    if status == 405:
        return "method_not_allowed", f"{request.path} does not answer {request.method}."
    if status == 413:
        limit = request.max_content_length
        return "too_large", (
            f"The body is larger than {limit} bytes, the limit for one upload. "
            "Nothing was stored; an upload this large is a bug in the sender."
        )
    name = (error.name or "error").lower().replace(" ", "_")
    return name, error.description or f"HTTP {status}."
