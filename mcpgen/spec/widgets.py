"""Widgets: one `widgets:` entry served in both standards, MCP Apps and the legacy Apps SDK (skybridge)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcpgen.runtime.resources import Resource
from mcpgen.spec.model import WidgetSpec

MCP_APP = "text/html;profile=mcp-app"
SKYBRIDGE = "text/html+skybridge"


@dataclass(frozen=True)
class Widget:
    """A widget's HTML with its two resource URIs, which change whenever the HTML does (hosts cache them)."""

    name: str
    spec: WidgetSpec
    html: str

    @property
    def digest(self) -> str:
        """A hash of the HTML, in both URIs."""
        return hashlib.sha256(self.html.encode()).hexdigest()[:12]

    @property
    def app_uri(self) -> str:
        """The MCP Apps resource."""
        return f"ui://widget/{self.name}-{self.digest}.html"

    @property
    def skybridge_uri(self) -> str:
        """The Apps SDK resource."""
        return f"ui://widget/{self.name}-{self.digest}.skybridge.html"

    @property
    def uris(self) -> tuple[str, str]:
        """Both resources' URIs."""
        return self.app_uri, self.skybridge_uri

    def tool_meta(self) -> dict[str, Any]:
        """The `_meta` of a tool that shows this widget, for both kinds of host."""
        meta: dict[str, Any] = {
            "ui": {"resourceUri": self.app_uri, "visibility": ["model", "app"]},
            "openai/outputTemplate": self.skybridge_uri,
            "openai/widgetAccessible": True,
        }
        if self.spec.invoking:
            meta["openai/toolInvocation/invoking"] = self.spec.invoking
        if self.spec.invoked:
            meta["openai/toolInvocation/invoked"] = self.spec.invoked
        return meta

    def resources(self) -> list[Resource]:
        """Its two resources, each with the metadata of its standard."""
        title = self.spec.title or self.name
        csp = self.spec.csp
        app_meta: dict[str, Any] = {
            "ui": {
                "csp": {"connectDomains": csp.connect, "resourceDomains": csp.resources, "frameDomains": csp.frames},
                "prefersBorder": self.spec.prefers_border,
            }
        }
        sky_meta: dict[str, Any] = {
            "openai/widgetCSP": {"connect_domains": csp.connect, "resource_domains": csp.resources},
            "openai/widgetPrefersBorder": self.spec.prefers_border,
        }
        if csp.frames:
            sky_meta["openai/widgetCSP"]["frame_domains"] = csp.frames
        if self.spec.domain:
            app_meta["ui"]["domain"] = self.spec.domain
            sky_meta["openai/widgetDomain"] = self.spec.domain
        if self.spec.description:
            sky_meta["openai/widgetDescription"] = self.spec.description
        described = {"description": self.spec.description} if self.spec.description else {}
        return [
            Resource(
                {
                    "name": self.name,
                    "title": title,
                    "uri": self.app_uri,
                    **described,
                    "mimeType": MCP_APP,
                    "_meta": app_meta,
                },
                self.html,
            ),
            Resource(
                {
                    "name": f"{self.name}-skybridge",
                    "title": title,
                    "uri": self.skybridge_uri,
                    **described,
                    "mimeType": SKYBRIDGE,
                    "_meta": sky_meta,
                },
                self.html,
            ),
        ]


def load_widgets(widgets: Mapping[str, WidgetSpec], base_dir: Path) -> dict[str, Widget]:
    """The spec's widgets with their HTML read from beside the spec."""
    return {
        name: Widget(name, widget, (base_dir / widget.html).read_text(encoding="utf-8"))
        for name, widget in widgets.items()
    }
