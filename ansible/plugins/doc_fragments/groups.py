# -*- coding: utf-8 -*-
# Copyright: (c) 2026, git-inventory maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The options of the modules that take group_list (besides group_list itself)."""

    DOCUMENTATION = r"""
options:
  create_empty_groupvars_files:
    description: With O(use_vars_files), write C(group_vars/<group>.yml) (as C({})) even for a group given no vars.
    type: bool
    default: true
  create_parent_groupvar_files:
    description:
      - With O(use_vars_files) and O(create_empty_groupvars_files), create C(group_vars/<parent>.yml) for each parent
        a group is put under, when it is missing (an existing one is kept as it is).
    type: bool
    default: true
  always_add_child_group_to_root:
    description: Also list each group under the root's C(children) when it has parent groups.
    type: bool
    default: false
  enable_groupvar_symlinks_for_child_inventories:
    description:
      - Link each group vars file written from the C(group_vars/) of every child inventory (O(symlink_subdirs)) that
        exists, as C(../../group_vars/<group>.yml). A link already there is kept.
    type: bool
    default: true
  symlink_subdirs:
    description: The child inventories' folders, in the inventory folder.
    type: list
    elements: str
    default: [DEV, QA, PROD, SANDBOX]
"""
