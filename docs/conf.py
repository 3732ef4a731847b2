# SPDX-License-Identifier: MIT
# Sphinx configuration for the TwinOS Monitor docs site.
#
# The repository root is the source directory (sphinx-build -c docs <repo>),
# so chapters/ and labs/ are documents in place and literalinclude reads the
# real sources. The Doxygen XML path comes from the build (CMake passes
# -Dbreathe_projects.twinos=...) or from TWINOS_DOXYGEN_XML for a hand run.
import os

project = "TwinOS Monitor"
author = "TwinOS Monitor developers"
copyright = "2026, " + author
root_doc = "docs/index"

extensions = ["breathe", "sphinx.ext.graphviz"]
include_patterns = ["docs/**", "chapters/**", "labs/**"]
exclude_patterns = ["build*", "docs/_extra", "docs/_static", "**/starter/**", "**/cheats/**", "**/work/**"]
html_extra_path = ["_extra"]
html_static_path = ["_static"]
html_css_files = ["twinos.css"]
html_theme = "furo"
html_title = "TwinOS Monitor"
graphviz_output_format = "svg"

breathe_projects = {"twinos": os.environ.get("TWINOS_DOXYGEN_XML", "../build/docs/xml")}
breathe_default_project = "twinos"
breathe_domain_by_extension = {"h": "cpp", "cpp": "cpp"}
primary_domain = "cpp"
# Literal blocks (``::``) are console output or plain text unless a page says
# otherwise; code from the sources always names its language.
highlight_language = "none"
# Figures, tables and code blocks are numbered ("Fig. 3", "Table 2", "Listing 5").
numfig = True
numfig_format = {"figure": "Fig. %s", "table": "Table %s", "code-block": "Listing %s"}

# Breathe's "#include" line links to Doxygen file pages we do not render.
nitpick_ignore_regex = [("std:ref", r".*_8h(_source)?")]
# Namespaces are documented through their groups, not as pages of their own.
nitpick_ignore = [("cpp:identifier", ns) for ns in
                  ("twinos", "machine", "os", "cli", "capture", "pseudonic", "monitor", "std",
                   "CLI", "CLI::App", "std::span", "std::uint8_t", "std::uint16_t", "std::uint32_t",
                   "std::uint64_t", "std::int64_t", "std::size_t")]
