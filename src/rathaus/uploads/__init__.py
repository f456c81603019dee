"""Checks every upload of the platform passes, whichever app keeps the file (proofs of an
application, attachments of a Postfach message): the type decided by the content
(`content_types`), size limits and the words that explain a refusal (`checks`), and the virus
scanner plug-in point (`scanners`). No models: each app stores its files its own way."""
