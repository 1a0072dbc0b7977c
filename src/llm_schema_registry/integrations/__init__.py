"""The registry inside LLM frameworks, each an optional extra of the package:

- `integrations.langchain` (`pip install 'llm-schema-registry[langchain]'`): an output
  parser and `with_registry_output`, a model bound to a registered schema that repairs
  invalid replies with the registry's repair prompt; `load_prompt` (`langchain_prompts.py`),
  a registered prompt template rendered by the registry, and `prompt_chain` joining both.
- `integrations.llamaindex` (`pip install 'llm-schema-registry[llamaindex]'`): metadata
  validation of documents and nodes before indexing, and a structured-output program.

What they share (`contract.py`, `conversation.py`) needs neither framework; like the SDK
they use, they import no server code.
"""
