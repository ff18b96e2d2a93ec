from schemac.cli import main

main()
