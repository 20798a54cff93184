# -*- coding: utf-8 -*-
# Copyright: (c) 2026, git-inventory maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The options every module of the collection takes."""

    DOCUMENTATION = r"""
options:
  inventory_file:
    description:
      - The YAML inventory file, relative to the repository root, or to O(inventory_dir) when that is given.
    type: path
    required: true
  inventory_dir:
    description:
      - The inventory folder, relative to the repository root. C(group_vars/), C(host_vars/), the global groups file
        and the child inventories (C(symlink_subdirs)) are in it.
      - Default - the folder of O(inventory_file).
    type: path
  inventory_repo_url:
    description:
      - The repository (C(ssh://), C(git@host:path), C(file://) or a local path). It is cloned, changed, validated,
        committed and pushed.
      - Without it, the files under O(inventory_base_dir) are changed in place, without git.
    type: str
  inventory_repo_branch:
    description: The branch to change.
    type: str
    default: main
  inventory_base_dir:
    description:
      - Without O(inventory_repo_url) - the folder whose files are changed (default - the current folder).
      - With it and O(remove_repo_dir=false) - where the clone is kept (fetched into on the next run).
    type: path
  inventory_root_yaml_key:
    description: The inventory file's top-level key; every change is made under it.
    type: str
    default: all
  global_groups_file:
    description: The file naming the groups every parent group must be one of, relative to the inventory folder.
    type: path
    default: xenv_groups.yml
  enforce_global_groups_must_already_exist:
    description:
      - Every parent group a host or group is put under must be a key, at any depth, of O(global_groups_file).
      - Not checked when O(global_groups_file) is O(inventory_file) itself.
    type: bool
    default: true
  logging_level:
    description: Accepted for compatibility; git-inventory reports what it did in the result, not in a log.
    type: str
    default: INFO
    choices: [NOTSET, DEBUG, INFO, ERROR]
  git_comment_prefix:
    description: The commit message's prefix, usually a ticket id.
    type: str
    aliases: [jira_id]
  git_comment_body:
    description: Replaces the generated summary in the commit message.
    type: str
  state:
    description:
      - V(merge) (or V(present)) adds each item under its parents and merges its vars.
      - V(overwrite) first takes each item out of every group, then adds it as given; its vars replace the ones it had.
      - V(absent) takes each item out of every group and removes its C(host_vars)/C(group_vars) file.
    type: str
    default: merge
    choices: [merge, present, overwrite, absent]
  vars_state:
    description:
      - How given vars meet the vars an item has (with O(state=merge)). V(merge) merges mappings key by key at every
        depth and adds the list items a list lacks; V(overwrite) merges above O(vars_overwrite_depth) and replaces at it.
    type: str
    default: merge
    choices: [merge, overwrite]
  vars_overwrite_depth:
    description: With O(vars_state=overwrite), the depth (the top level of the vars is 1) at which given values replace.
    type: int
    default: 2
  use_vars_files:
    description:
      - Vars go to C(group_vars/<group>.yml) and C(host_vars/<host>.yml) in the inventory folder.
      - When false, they go into the inventory file (a group's under its C(vars), a host's on its entry under the root's C(hosts)).
    type: bool
    default: true
  backup:
    description:
      - Without O(inventory_repo_url) - keep each replaced file as C(<file>.<pid>.<date>@<time>~) (listed in RV(backup_files)).
      - With it, git history is the backup - no copy is committed into the repository.
    type: bool
    default: false
  remove_repo_dir:
    description: Remove the clone when done; V(false) keeps it in O(inventory_base_dir).
    type: bool
    default: true
  ssh_params:
    description: How to reach an C(ssh://) repository.
    type: dict
    suboptions:
      key_file:
        description: The private key (mode 600), used with IdentitiesOnly and BatchMode.
        type: path
      accept_hostkey:
        description: Accept an unknown host key.
        type: bool
        default: false
      ssh_opts:
        description: More options for the ssh command.
        type: str
  test_mode:
    description: Make and validate the change, commit it in the clone, but do not push.
    type: bool
    default: false
  yaml_lib_mode:
    description: Accepted for compatibility; git-inventory has one YAML reader and writer, which edits only what changes.
    type: str
    default: ruamel
    choices: [ruamel, pyyaml]
  git_user_name:
    description: The commit's author and committer name.
    type: str
    default: ansible
  git_user_email:
    description: The commit's author and committer e-mail.
    type: str
    default: ansible@example.org
  derive_domain_group:
    description:
      - Also put each host under its domain group - C(ca_domain_) and the labels of the host's domain reversed, joined
        by C(_) (C(web01.dettonville.int) goes under C(ca_domain_int_dettonville)).
    type: bool
    default: false
  retries:
    description: How many times to apply the change again on the new tip and push when other jobs push first.
    type: int
    default: 10
  clone_depth:
    description: Clone the last N commits of the branch; 0 clones its whole history.
    type: int
    default: 1
  queue:
    description:
      - How jobs updating the repository at once take turns. V(local) - jobs of one machine, through its temporary folder.
        V(remote) - also jobs of other machines, through refs under C(refs/git-inventory/) in the remote. V(off) - every job
        pushes on its own and retries when another pushed first.
    type: str
    choices: [local, remote, "off"]
    default: local
  binary_path:
    description: The git-inventory binary (default - found on PATH).
    type: path
notes:
  - The change is made with minimal edits - only the lines of what is added or removed change; comments, order and
    formatting elsewhere stay as they were. A new entry is written in the style of its siblings.
  - The whole inventory is validated before every push with the rules of the git-inventory pre-receive hook; a change
    that adds an error is refused, with each finding in RV(violations).
  - Check mode is supported - the change is computed and validated, nothing is written or pushed.
  - Diff mode returns the inventory file before and after.
  - Credentials in a URL are hidden from the result and from the commit message.
  - Where this differs from the Python C(dettonville.git_inventory) on purpose - the file is not re-sorted; a member
    already listed keeps its vars; a parent group's vars file is created when missing, never emptied; a list var gains
    only the items it lacks, so a second run changes nothing; the global groups file is also looked for in the folders
    above the inventory folder; an unknown item key is reported in a warning; C(changed) is true only when files change.
"""
