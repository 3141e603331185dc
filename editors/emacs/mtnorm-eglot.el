;;; mtnorm-eglot.el --- mtnorm language server with Eglot (Emacs 29+)  -*- lexical-binding: t; -*-

;; Needs `mtnorm' on PATH with the [lsp] extra: pip install 'mtnorm[lsp]'.
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((text-mode markdown-mode)
                 . ("mtnorm" "lsp" :initializationOptions (:debounceMs 150)))))

(add-hook 'text-mode-hook #'eglot-ensure)
(add-hook 'markdown-mode-hook #'eglot-ensure)

;; Apply every safe mtnorm fix: M-x mtnorm-fix-all (the "Fix all mtnorm findings" action).
(defun mtnorm-fix-all ()
  "Apply the mtnorm fix-all source action to the current buffer."
  (interactive)
  (eglot-code-actions (point-min) (point-max) "source.fixAll.mtnorm" t))

(provide 'mtnorm-eglot)
;;; mtnorm-eglot.el ends here
