;;; litnotes.el --- litnotes language server for Markdown vaults, through eglot  -*- lexical-binding: t; -*-

;; Works with Emacs 28 + eglot 1.9 (Debian 12: `apt install elpa-eglot elpa-markdown-mode`) and
;; with the eglot built into Emacs 29 and later.
;;
;; Install: put this file somewhere on `load-path' and add to your init file
;;
;;   (require 'litnotes)
;;   ;; only when `litnotes' is not on exec-path:
;;   (setq litnotes-program (expand-file-name "~/.venvs/litnotes/bin/litnotes"))
;;
;; Opening a Markdown file then starts `litnotes serve --stdio' for its vault (the nearest folder
;; with `.obsidian/' or `.litnotes.toml').  Diagnostics appear through flymake, hovers through
;; eldoc, and completion through `completion-at-point' (M-TAB, or corfu/company).
;; The editor tests (`make e2e') load exactly this file.

;;; Code:

(require 'eglot)
(require 'project)

(defgroup litnotes nil
  "The litnotes language server for Obsidian vaults."
  :group 'tools)

(defcustom litnotes-program "litnotes"
  "The litnotes executable (a name on `exec-path' or an absolute file name)."
  :type 'string)

(defcustom litnotes-settings nil
  "Settings sent to the server as initializationOptions: the keys of `.litnotes.toml'.
A plist such as
  (:severity (:link.unresolved \"warning\" :frontmatter.* \"off\")
   :exclude [\"templates/\"] :bibliography [\"~/Zotero/My Library.bib\"])
Per-vault settings go in the vault's .dir-locals.el as
`eglot-workspace-configuration' under the section :litnotes; they win over these."
  :type 'sexp)

(defcustom litnotes-vault-markers '(".obsidian" ".litnotes.toml")
  "Files or folders that mark the root of a vault (the eglot project)."
  :type '(repeat string))

(defcustom litnotes-enable-automatically t
  "When non-nil, start eglot in every Markdown buffer that belongs to a vault."
  :type 'boolean)

(defun litnotes-vault-root (dir)
  "The vault that contains DIR: the nearest parent with one of `litnotes-vault-markers'."
  (let ((roots (delq nil (mapcar (lambda (marker) (locate-dominating-file dir marker))
                                 litnotes-vault-markers))))
    ;; The nearest one: the longest file name.
    (car (sort (mapcar #'expand-file-name roots) (lambda (a b) (> (length a) (length b)))))))

(defun litnotes-project-find (dir)
  "A `project-find-functions' member: a vault is a (transient) project rooted at its top folder.
Without it a vault that is not a VCS repository would have each note's folder as its root."
  (let ((root (litnotes-vault-root dir)))
    (and root (cons 'transient root))))

(defun litnotes--contact (&rest _)
  "How eglot starts the server: `litnotes-program' at the time of connecting."
  (append (list litnotes-program "serve" "--stdio")
          (and litnotes-settings (list :initializationOptions litnotes-settings))))

(defun litnotes--maybe-start ()
  "Start eglot in a Markdown buffer that visits a note inside a vault."
  (when (and litnotes-enable-automatically buffer-file-name
             (litnotes-vault-root (file-name-directory buffer-file-name)))
    (eglot-ensure)))

(add-hook 'project-find-functions #'litnotes-project-find)

(add-to-list 'eglot-server-programs
             `(((markdown-mode :language-id "markdown")
                (gfm-mode :language-id "markdown")
                (markdown-ts-mode :language-id "markdown"))
               . ,#'litnotes--contact))

(add-hook 'markdown-mode-hook #'litnotes--maybe-start) ; gfm-mode runs it too
(add-hook 'markdown-ts-mode-hook #'litnotes--maybe-start)

(provide 'litnotes)
;;; litnotes.el ends here
