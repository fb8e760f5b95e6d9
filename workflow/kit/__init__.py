"""The document kit: everything a document type needs around the approval engine (DESIGN §5).

A document type declares its model, flow, list spec, form, request kinds and rights (`DocumentType`); the kit
supplies the editing skeleton (`editing`), the engine's action endpoints for pages and API (`actions`), the
generic pages and API of the document (`documents`) and of its requests (`requests`).
"""
