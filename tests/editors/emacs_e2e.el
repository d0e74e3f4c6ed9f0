;;; emacs_e2e.el --- drive Emacs + eglot like a user, against litnotes  -*- lexical-binding: t; -*-

;; Run by tests/editors/e2e.py after editors/emacs/litnotes.el (the shipped configuration):
;;   LITNOTES_E2E_BIN=… LITNOTES_E2E_NOTE=… LITNOTES_E2E_OUT=… \
;;     emacs --batch -l editors/emacs/litnotes.el -l tests/editors/emacs_e2e.el
;; Opens the note (markdown-mode's hook starts eglot), waits for flymake's diagnostics, asks
;; eldoc's hover function about a highlight embed, types `[[@' and completes it through
;; `eglot-completion-at-point' exactly as `completion-at-point' would.  Writes JSON; the
;; expectations live in e2e.py.  Batch mode has no command loop, so the script runs the
;; post-command hook once (where `eglot-ensure' connects) and pumps timers and process output
;; with `accept-process-output'.  It uses eglot 1.9 internals (Debian 12), pinned by e2e.py.

;;; Code:

(require 'json)
(require 'cl-lib)

;; The only thing the harness adds to the shipped configuration: where the binary is.
(setq litnotes-program (getenv "LITNOTES_E2E_BIN"))

;; What an interactive start does and --batch skips: activate the installed packages (Debian's
;; elpa-markdown-mode autoloads, which map *.md to markdown-mode).
(require 'package)
(package-activate-all)

(defvar e2e-note (getenv "LITNOTES_E2E_NOTE"))
(defvar e2e-out (getenv "LITNOTES_E2E_OUT"))
(defvar e2e-timeout 30)
(defvar e2e-t0 (float-time))
(defvar e2e-events nil)
(defvar e2e-result nil)

(defun e2e-put (key value) (push (cons key value) e2e-result))
(defun e2e-event (name)
  (push (vector name (round (* 1000 (- (float-time) e2e-t0)))) e2e-events))

(defun e2e-wait (what pred)
  "Pump timers and process output until PRED returns non-nil; return that value."
  (let ((deadline (+ (float-time) e2e-timeout)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.03))
    (unless value (error "Timed out waiting for %s" what))
    (e2e-event what)
    value))

(defun e2e-line-col (pos)
  (save-excursion (goto-char pos) (vector (line-number-at-pos) (- pos (line-beginning-position)))))

(defun e2e-our-diagnostics ()
  (flymake-start)
  (cl-loop for d in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))
           when lsp collect (cons d lsp)))

(defun e2e-main ()
  (find-file e2e-note)
  (e2e-put 'major_mode (symbol-name major-mode))
  ;; What Emacs's command loop does after the command that opened the file.
  (run-hooks 'post-command-hook)
  (let ((server (e2e-wait "attached" (lambda () (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))))))
    (e2e-put 'root (project-root (eglot--project server)))
    (e2e-put 'language_id (eglot--language-id server)))

  ;; 1. Diagnostics, as flymake holds them (buffer regions) and as the server sent them.
  (e2e-wait "diagnostics"
            (lambda () (cl-some (lambda (p) (equal (plist-get (cdr p) :code) "block-ref.unresolved"))
                                (e2e-our-diagnostics))))
  (e2e-put 'diagnostics
           (vconcat
            (cl-loop for (d . lsp) in (e2e-our-diagnostics)
                     for range = (plist-get lsp :range)
                     collect `((code . ,(plist-get lsp :code))
                               (type . ,(symbol-name (flymake-diagnostic-type d)))
                               (text . ,(flymake-diagnostic-text d))
                               (region . ,(vector (e2e-line-col (flymake-diagnostic-beg d))
                                                  (e2e-line-col (flymake-diagnostic-end d))))
                               (lsp_range . ((start . ((line . ,(plist-get (plist-get range :start) :line))
                                                       (character . ,(plist-get (plist-get range :start) :character))))
                                             (end . ((line . ,(plist-get (plist-get range :end) :line))
                                                     (character . ,(plist-get (plist-get range :end) :character))))))))))

  ;; 2. Hover: what eldoc shows at point on the block id of a highlight embed.
  (goto-char (point-min))
  (search-forward "![[bereska2024-literature-note#^usmx6iz5]]")
  (backward-char 6)
  (let (hover)
    (eglot-hover-eldoc-function (lambda (info &rest _) (setq hover (or info ""))))
    (e2e-put 'hover (e2e-wait "hover" (lambda () hover))))

  ;; 3. Completion: type `[[@' on a new last line and complete with the alias item.
  (goto-char (point-max))
  (insert "\n- see [[@")
  (run-hooks 'post-command-hook)
  (let* ((capf (e2e-wait "completion function" #'eglot-completion-at-point))
         (beg (nth 0 capf)) (end (nth 1 capf)) (table (nth 2 capf))
         (exit (plist-get (nthcdr 3 capf) :exit-function))
         (probe (buffer-substring-no-properties beg end))
         (proxies (e2e-wait "completion" (lambda () (all-completions probe table))))
         (pick (cl-find-if (lambda (p) (let ((item (get-text-property 0 'eglot--lsp-item p)))
                                          (and (equal (plist-get item :label) "@bereska2024")
                                               (string-prefix-p "bereska2024-literature-note|"
                                                                (plist-get (plist-get item :textEdit) :newText)))))
                           proxies)))
    (e2e-put 'completion
             (vconcat (mapcar (lambda (p)
                                (let ((item (get-text-property 0 'eglot--lsp-item p)))
                                  `((proxy . ,(substring-no-properties p))
                                    (label . ,(plist-get item :label))
                                    (new_text . ,(plist-get (plist-get item :textEdit) :newText)))))
                              proxies)))
    (unless pick (error "No @bereska2024 item among %S" proxies))
    ;; What `completion-in-region' does when the user picks PICK.
    ;; What `completion-in-region' (or corfu/company) does when the user picks PICK: insert it,
    ;; then call the exit function with the candidate (which applies the server's text edit).
    ;; `completion--replace' strips the properties of the string it inserts, so give it a copy.
    (completion--replace beg end (copy-sequence pick))
    (funcall exit pick 'finished)
    (e2e-put 'accepted_line (buffer-substring-no-properties (line-beginning-position) (line-end-position)))))

(let ((code 1))
  (condition-case err
      (progn (e2e-main) (setq code 0))
    (error (e2e-put 'error (error-message-string err))))
  (e2e-put 'ok (if (= code 0) t :json-false))
  (e2e-put 'emacs emacs-version)
  (e2e-put 'eglot (or (ignore-errors (package-version-join (package-desc-version (cadr (assq 'eglot package-alist)))))
                      (bound-and-true-p eglot-version) ""))
  (e2e-put 'events (vconcat (reverse e2e-events)))
  (with-temp-file e2e-out (insert (json-encode e2e-result)))
  (ignore-errors (let ((s (eglot-current-server))) (when s (eglot-shutdown s))))
  (kill-emacs code))
;;; emacs_e2e.el ends here
