# -*- coding: utf-8 -*-
# Copyright: (c) 2026, git-inventory maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The options of the modules that take host_list (besides host_list itself)."""

    DOCUMENTATION = r"""
options:
  create_empty_hostvars_files:
    description: With O(use_vars_files), write C(host_vars/<host>.yml) (as C({})) even for a host given no vars.
    type: bool
    default: false
  always_add_host_to_root_hosts:
    description: Also list each host under the root's C(hosts) when it has parent groups.
    type: bool
    default: false
"""
